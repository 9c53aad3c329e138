@testable import Autograd
import Dispatch
import Synchronization
import Testing

/// CPUParallel's loops on the worker team: every chunk runs exactly once with the range it
/// should get, whether loops come one after another (the team's spin path), after a pause long
/// enough for the workers to sleep, from several threads at once, or nested inside a chunk
/// (those two go to Dispatch while the team is busy).
@Suite("CPUParallel and the worker team")
struct CPUParallelTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func add() { value.wrappingAdd(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    /// Runs one loop of `count` items in `chunks` chunks and checks what each chunk was given.
    static func checkLoop(count: Int, chunks: Int) -> Bool {
        let hits = (0..<chunks).map { _ in Counter() }
        let covered = (0..<count).map { _ in Counter() }
        let wrongRanges = Counter()
        CPUParallel.forChunks(count, chunks: chunks) { chunk, range in
            hits[chunk].add()
            if range != count * chunk / chunks..<count * (chunk + 1) / chunks { wrongRanges.add() }
            for i in range { covered[i].add() }
        }
        return wrongRanges.count == 0 && hits.allSatisfy { $0.count == 1 } && covered.allSatisfy { $0.count == 1 }
    }

    @Test func loopsBackToBackRunEveryChunkOnce() {
        for round in 0..<500 {
            #expect(Self.checkLoop(count: 1000 + round, chunks: 2 + round % 7), "round \(round)")
        }
    }

    /// Balanced chunking: one chunk on one thread, at most `perThread` per thread, never a chunk
    /// below the grain, and at least one chunk even when the count is below the grain.
    @Test func balancedChunkCounts() {
        #expect(CPUParallel.balancedChunkCount(64, grain: 5, threads: 1) == 1)
        #expect(CPUParallel.balancedChunkCount(64, grain: 5, threads: 2, perThread: 4) == 8)
        #expect(CPUParallel.balancedChunkCount(64, grain: 5, threads: 2) == 4)
        #expect(CPUParallel.balancedChunkCount(12, grain: 5, threads: 2, perThread: 4) == 2)
        #expect(CPUParallel.balancedChunkCount(9, grain: 5, threads: 4) == 1)
        #expect(CPUParallel.balancedChunkCount(0, grain: 5, threads: 4) == 1)
        #expect(CPUParallel.balancedChunkCount(100, grain: 0, threads: 3, perThread: 2) == 6)
        let chunks = CPUParallel.balancedChunkCount(64, grain: 5, threads: 2, perThread: 4)
        #expect(Self.checkLoop(count: 64, chunks: chunks))
    }

    @Test func aLoopAfterTheWorkersSleptStillRuns() async throws {
        #expect(Self.checkLoop(count: 100, chunks: 4))
        // Long past the workers' spin: they are asleep on the condition variable now.
        try await Task.sleep(for: .milliseconds(50))
        #expect(Self.checkLoop(count: 100, chunks: 4))
    }

    @Test func loopsFromSeveralThreadsAtOnce() {
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<100 where !Self.checkLoop(count: 300 + thread, chunks: 3 + round % 4) { failures.add() }
        }
        #expect(failures.count == 0)
    }

    @Test func aLoopNestedInAChunk() {
        let failures = Counter()
        CPUParallel.forChunks(4, chunks: 4) { _, _ in
            if !Self.checkLoop(count: 64, chunks: 3) { failures.add() }
        }
        #expect(failures.count == 0)
    }
}
