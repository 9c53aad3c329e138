import Dispatch

/// Splitting a kernel's loop over threads, only where it pays.
///
/// Waking worker threads costs several microseconds, more on a busy machine, so a loop runs on
/// the calling thread unless it has at least two chunks of `grain` items; chunks run on
/// CPUWorkerTeam's threads and the caller's. Each chunk gets a
/// disjoint range of items: a kernel may write only the outputs of its own range and read
/// shared inputs, which is why handing its (non-Sendable) closure to other threads is sound.
enum CPUParallel {
    /// Runs `body` over 0..<count in at most `threads` contiguous ranges of at least `grain` items.
    @inline(__always)
    static func forRanges(_ count: Int, grain: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let chunks = Swift.min(threads, count / Swift.max(grain, 1))
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        forChunks(count, chunks: chunks) { _, range in body(range) }
    }

    /// How many chunks `forRanges` would make: at least one.
    static func chunkCount(_ count: Int, grain: Int, threads: Int) -> Int {
        Swift.max(1, Swift.min(threads, count / Swift.max(grain, 1)))
    }

    /// Chunks for a loop of equally costly items: up to `perThread` chunks per thread, each of at
    /// least `grain` items. The team's threads claim chunks one at a time, so a thread that starts
    /// late (a worker still waking up, or one the OS lends to another process for a while) leaves
    /// its share to the others instead of making them wait for its one big chunk. One thread: one chunk.
    static func balancedChunkCount(_ count: Int, grain: Int, threads: Int, perThread: Int = 2) -> Int {
        threads <= 1 ? 1 : Swift.max(1, Swift.min(threads * perThread, count / Swift.max(grain, 1)))
    }

    /// Runs `body(chunk, range)` for `chunks` near-equal ranges of 0..<count, concurrently when
    /// there are several; a kernel that keeps per-chunk partial results indexes them by `chunk`.
    static func forChunks(_ count: Int, chunks: Int, _ body: (Int, Range<Int>) -> Void) {
        if chunks <= 1 {
            body(0, 0..<count)
            return
        }
        let ran = CPUWorkerTeam.shared.run(chunks: chunks) { chunk in
            body(chunk, count * chunk / chunks..<count * (chunk + 1) / chunks)
        }
        if ran { return }
        // The team is busy (a loop on another thread, or one nested in a chunk): Dispatch's pool.
        withoutActuallyEscaping(body) { escaping in
            let shared = DisjointRanges(body: escaping)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                shared.body(chunk, start..<end)
            }
        }
    }
}

/// A loop body that writes only inside the range it is given (see `CPUParallel`), so that
/// concurrent calls on disjoint ranges never touch the same memory.
///
/// @unchecked: the body is not @Sendable (it captures the caller's pointers and locals). It is
/// safe to call from the pool's threads because each call writes only inside its own range, the
/// captured values are only read, and concurrentPerform returns only after every call has
/// finished, so the body never runs after the caller's frame, or concurrently with its next use.
private struct DisjointRanges: @unchecked Sendable {
    let body: (Int, Range<Int>) -> Void
}

/// Items per chunk below which another thread does not pay: roughly 20–50 µs of work per chunk.
enum CPUGrain {
    /// Cheap elementwise arithmetic (add, mul, relu, copies): memory bound, ~1 ns per element.
    static let elementwise = 1 << 16
    /// Transcendental functions (exp, log, tanh, pow): ~5–20 ns per element.
    static let transcendental = 1 << 12
}
