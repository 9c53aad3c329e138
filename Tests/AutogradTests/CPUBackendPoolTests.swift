import Autograd
import Dispatch
import Synchronization
import Testing

/// The block cache behind CPUBackend.allocate: it reuses freed blocks, keeps to its cap, aligns
/// every block to 64 bytes and never hands one block to two live storages.
@Suite("CPUBackend buffer pool")
struct CPUBackendPoolTests {
    /// Fills a storage with a pattern unique to `tag`, to detect two storages sharing memory.
    static func stamp(_ s: Storage, _ tag: Int) {
        let bytes = s.pointer.assumingMemoryBound(to: UInt8.self)
        for i in 0..<s.byteCount { bytes[i] = UInt8(truncatingIfNeeded: tag &* 31 &+ i) }
    }

    static func hasStamp(_ s: Storage, _ tag: Int) -> Bool {
        let bytes = s.pointer.assumingMemoryBound(to: UInt8.self)
        for i in 0..<s.byteCount where bytes[i] != UInt8(truncatingIfNeeded: tag &* 31 &+ i) { return false }
        return true
    }

    @Test func liveStoragesNeverShareMemory() {
        let backend = CPUBackend(poolCapacity: 1 << 20, threads: 1)
        var generator = RandomGenerator(seed: 1)
        var live: [(storage: Storage, tag: Int)] = []
        var tag = 0
        for _ in 0..<2000 {
            if !live.isEmpty && generator.nextInt(below: 3) == 0 {
                live.remove(at: generator.nextInt(below: live.count))
            } else {
                let count = 1 + generator.nextInt(below: 600)
                let dtype: DType = generator.nextInt(below: 2) == 0 ? .float32 : .float64
                let s = backend.allocate(count: count, dtype: dtype)
                tag += 1
                Self.stamp(s, tag)
                live.append((s, tag))
            }
        }
        for (s, tag) in live { #expect(Self.hasStamp(s, tag), "a live storage was overwritten") }
        let ranges = live.map { (UInt(bitPattern: $0.storage.pointer), UInt($0.storage.byteCount)) }.sorted { $0.0 < $1.0 }
        for i in 1..<ranges.count { #expect(ranges[i - 1].0 + ranges[i - 1].1 <= ranges[i].0, "two live storages overlap") }
        #expect(backend.poolStatistics.hits > 0, "freed blocks were never reused")
    }

    /// A 0-d tensor's few bytes live inside its Storage: the pool is neither asked nor given back
    /// anything, and the elements stay where they were written for the storage's whole life.
    @Test func smallBlocksLiveInsideTheStorageAndBypassThePool() {
        let backend = CPUBackend(poolCapacity: 1 << 20, threads: 1)
        let before = backend.poolStatistics
        var small: [Storage] = []
        for (i, count) in [0, 1, 2, 16].enumerated() {
            let s = backend.allocate(count: count, dtype: .float32)
            #expect(s.isInline, "\(count) float32 elements should be inline")
            Self.stamp(s, i)
            small.append(s)
        }
        #expect(!backend.allocate(count: 9, dtype: .float64).isInline, "72 bytes is over the inline size")
        for (i, s) in small.enumerated() { #expect(Self.hasStamp(s, i)) }
        small.removeAll()
        let after = backend.poolStatistics
        #expect(after.hits == before.hits && after.misses == before.misses + 1, "only the 72-byte block used the pool")
        #expect(after.cachedBlocks == 1)
        let scalar = Tensor(scalar: Float(2.5))
        #expect(scalar.storage.isInline && scalar.item() == 2.5)
    }

    @Test func freedBlockIsReusedForTheSameSize() {
        let backend = CPUBackend(poolCapacity: 1 << 20, threads: 1)
        var first: Storage? = backend.allocate(count: 1000, dtype: .float32)
        let address = first!.pointer
        first = nil
        let before = backend.poolStatistics
        #expect(before.cachedBlocks == 1)
        let second = backend.allocate(count: 1000, dtype: .float32)
        #expect(second.pointer == address)
        #expect(backend.poolStatistics.hits == before.hits + 1)
        #expect(backend.poolStatistics.cachedBlocks == 0)
    }

    @Test func everyBlockIsAlignedTo64Bytes() {
        let backend = CPUBackend(poolCapacity: 1 << 20, threads: 1)
        var keep: [Storage] = []
        for count in [0, 1, 3, 15, 16, 17, 100, 1023, 4097, 100_000] {
            for dtype in DType.allCases {
                let s = backend.allocate(count: count, dtype: dtype)
                // Blocks small enough to live inside the Storage object are 8-byte aligned.
                let alignment = s.isInline ? 8 : 64
                #expect(UInt(bitPattern: s.pointer) % UInt(alignment) == 0, "\(count) \(dtype) is not \(alignment)-byte aligned")
                keep.append(s)
            }
        }
        keep.removeAll()
        // Reused blocks too (1 float is inline, so 17 is the smallest pooled size here).
        for count in [17, 100, 4097] {
            let s = backend.allocate(count: count, dtype: .float32)
            #expect(!s.isInline && UInt(bitPattern: s.pointer) % 64 == 0)
        }
    }

    @Test func cacheKeepsToItsCapacity() {
        let backend = CPUBackend(poolCapacity: 64 << 10, threads: 1)
        var blocks: [Storage] = (0..<40).map { _ in backend.allocate(count: 1024, dtype: .float32) }  // 4 KiB each
        blocks.removeAll()
        let stats = backend.poolStatistics
        #expect(stats.cachedBytes <= backend.poolCapacity)
        #expect(stats.cachedBlocks == 16, "64 KiB holds sixteen 4 KiB blocks")
        var big: Storage? = backend.allocate(count: 1 << 20, dtype: .float32)  // 4 MiB: over the cap
        big = nil
        #expect(big == nil && backend.poolStatistics.cachedBytes == stats.cachedBytes)
        backend.emptyCache()
        #expect(backend.poolStatistics.cachedBytes == 0 && backend.poolStatistics.cachedBlocks == 0)
        backend.emptyCache(capacity: 0)
        _ = backend.allocate(count: 10, dtype: .float32)
        #expect(backend.poolStatistics.cachedBlocks == 0, "capacity 0 caches nothing")
    }

    /// Storages made and dropped on many threads at once: each keeps its own memory.
    @Test func concurrentUseNeverShares() {
        let backend = CPUBackend(poolCapacity: 1 << 20, threads: 1)
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            var mine: [(Storage, Int)] = []
            for step in 0..<300 {
                let tag = worker * 1000 + step
                let s = backend.allocate(count: 16 + (step % 7) * 50, dtype: .float32)
                Self.stamp(s, tag)
                mine.append((s, tag))
                if step % 3 == 2 { mine.removeFirst(2) }
            }
            for (s, tag) in mine where !Self.hasStamp(s, tag) { failures.record() }
        }
        #expect(failures.count == 0, "a storage was overwritten by another thread's")
    }
}

/// A thread-safe counter for the concurrent test.
final class Failures: Sendable {
    private let counter = Mutex(0)
    func record() { counter.withLock { $0 += 1 } }
    var count: Int { counter.withLock { $0 } }
}

/// The process-wide thread count (shared with OpenBLAS), so these run one at a time.
@Suite("CPUBackend thread count", .serialized)
struct CPUBackendThreadTests {
    @Test func setNumThreadsChangesTheCountAndKeepsResults() {
        let backend = Backends.cpu
        let original = backend.numThreads
        defer { backend.setNumThreads(original) }
        let a = CPUCheck.values(64 * 48, seed: 300), b = CPUCheck.values(48 * 40, seed: 301)
        var results: [[Double]] = []
        for n in [1, 3] {
            backend.setNumThreads(n)
            #expect(backend.numThreads == n)
            let c = backend.allocate(count: 64 * 40, dtype: .float64)
            backend.gemm(CPUCheck.storage(a, .float64, on: backend), CPUCheck.storage(b, .float64, on: backend), into: c,
                         m: 64, n: 40, k: 48, transA: false, transB: false, alpha: 1, beta: 0,
                         batch: 1, strideA: 0, strideB: 0, strideC: 0)
            results.append(CPUCheck.read(c))
            let x = CPUCheck.values(300_000, seed: 302)
            let y = backend.unary(.tanh, CPUCheck.storage(x, .float32, on: backend))
            CPUCheck.expectSame(y, CPUCheck.reference.unary(.tanh, CPUCheck.storage(x, .float32, on: CPUCheck.reference)), "tanh threads=\(n)")
        }
        for i in 0..<results[0].count { #expect(abs(results[0][i] - results[1][i]) <= 1e-12, "gemm differs with the thread count") }
        backend.setNumThreads(0)
        #expect(backend.numThreads == 1, "fewer than one thread means one")
    }
}
