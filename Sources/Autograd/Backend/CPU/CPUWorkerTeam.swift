import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The threads CPUParallel's loops run on: one worker per extra core, kept awake briefly
/// between loops.
///
/// A training step runs a few dozen parallel loops back to back, each tens of microseconds
/// long. With DispatchQueue.concurrentPerform every loop woke a parked pool thread through the
/// kernel, and the wake-up cost 10–15 µs a loop on the 2-core test machine (measured: two
/// 20 µs halves took 35 µs): a batch-64 step was only 1.18× faster on two threads than on one.
/// Here the workers spin on a generation counter for a while after each loop (0.5 ms; then they
/// sleep on a condition variable), so the next loop starts at once. The spin has to outlast the
/// serial stretches between a step's loops (the engine's bookkeeping, small single-threaded
/// ops): with a ~15 µs spin the batch-64 step's worker fell asleep in them and every wake-up
/// through the kernel cost tens of microseconds (0.87 ms a step; 0.75 ms with the longer spin).
/// While spinning a worker calls sched_yield every few hundred polls: on an idle core that
/// returns at once, and on a core another process wants it lets that process run instead of
/// burning the time slice (the loops' chunks are claimed one at a time, so the caller simply
/// takes a late worker's chunks). They spin only after work of their own, so a process that
/// stops computing has sleeping workers again within that time; a single-threaded workload
/// (the blitz's batch of 4) never wakes them.
///
/// One loop runs on the team at a time: a loop started while it is busy (another thread's, or
/// one nested inside a chunk) goes to Dispatch instead. The caller runs chunks too, and returns
/// when every chunk has finished, so the loop body never outlives the call.
final class CPUWorkerTeam: @unchecked Sendable {
    // @unchecked: the compiler cannot see three things that make sharing this team safe.
    // `mutex` and `condition` are raw pointers (not Sendable): they are allocated and initialised
    // once in init, never freed (the team lives as long as the process), and only ever passed to
    // pthread calls, which synchronise themselves. `body` is a plain variable published through
    // the atomics (see its comment). Everything else is an Atomic or a constant.
    static let shared = CPUWorkerTeam(workers: Swift.max(0, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1))

    /// How long a worker spins idle before it sleeps, in nanoseconds.
    static let spinNanoseconds: UInt64 = 500_000

    let workers: Int
    private let busy = Atomic<Bool>(false)
    /// Bumped once per loop, after the loop is published.
    private let generation = Atomic<Int>(0)
    /// The next chunk to claim, the loop's chunk count, and how many chunks have finished.
    private let nextChunk = Atomic<Int>(0)
    private let chunkCount = Atomic<Int>(0)
    private let finishedChunks = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    /// The loop body, written before `nextChunk` is reset (release) and read only after a
    /// successful claim (acquire), so a worker always sees the body of the loop it claimed in.
    private nonisolated(unsafe) var body: ((Int) -> Void)?
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    private init(workers: Int) {
        self.workers = workers
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for _ in 0..<workers {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let created = pthread_create(&thread, nil, { context in
                Unmanaged<CPUWorkerTeam>.fromOpaque(context!).takeRetainedValue().work()
            }, context)
            if created == 0 { pthread_detach(thread) }
        }
    }

    /// Runs `body(0..<chunks)` on the team and this thread; false (nothing run) when the team
    /// is busy or has no workers.
    func run(chunks: Int, _ body: (Int) -> Void) -> Bool {
        guard workers > 0, chunks > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        withoutActuallyEscaping(body) { escaping in
            self.body = escaping
            chunkCount.store(chunks, ordering: .relaxed)
            finishedChunks.store(0, ordering: .relaxed)
            nextChunk.store(0, ordering: .releasing)
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
            }
            runChunks()
            while finishedChunks.load(ordering: .acquiring) < chunks {}
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    /// Claims and runs chunks of the current loop until none is left.
    private func runChunks() {
        while true {
            let chunk = nextChunk.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
            // Read after the claim: a worker late from the previous loop must compare with this one's count.
            guard chunk < chunkCount.load(ordering: .acquiring) else { return }
            runChunk(chunk)
            finishedChunks.wrappingAdd(1, ordering: .releasing)
        }
    }

    /// One chunk, in a frame of its own so that this thread's reference to the body is gone
    /// before the chunk counts as finished (withoutActuallyEscaping checks that none is left).
    @inline(never)
    private func runChunk(_ chunk: Int) {
        body?(chunk)
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        return UInt64(clock.tv_sec) &* 1_000_000_000 &+ UInt64(clock.tv_nsec)
    }

    private func work() -> Never {
        var seen = 0
        while true {
            var current = generation.load(ordering: .acquiring)
            // The clock (a vDSO call, ~20 ns) and sched_yield (a system call, well under a
            // microsecond when nothing else wants the core) once per 256 polls.
            let deadline = CPUWorkerTeam.monotonicNanoseconds() + CPUWorkerTeam.spinNanoseconds
            var spins = 0
            while current == seen {
                spins &+= 1
                if spins & 255 == 0 {
                    if CPUWorkerTeam.monotonicNanoseconds() >= deadline { break }
                    sched_yield()
                }
                current = generation.load(ordering: .acquiring)
            }
            if current == seen {
                pthread_mutex_lock(mutex)
                sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                current = generation.load(ordering: .sequentiallyConsistent)
                while current == seen {
                    pthread_cond_wait(condition, mutex)
                    current = generation.load(ordering: .sequentiallyConsistent)
                }
                sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
            }
            seen = current
            runChunks()
        }
    }
}
