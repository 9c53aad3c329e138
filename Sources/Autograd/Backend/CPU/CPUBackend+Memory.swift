/// CPUBackend's block cache as its users see it: how much it holds, and a way to let it go.
extension CPUBackend {
    /// What the block cache holds and how often it served a request.
    public struct PoolStatistics: Sendable, Equatable {
        public var cachedBytes: Int
        public var cachedBlocks: Int
        public var hits: Int
        public var misses: Int
    }

    public var poolStatistics: PoolStatistics {
        let s = pool.statistics
        return PoolStatistics(cachedBytes: s.cachedBytes, cachedBlocks: s.cachedBlocks, hits: s.hits, misses: s.misses)
    }

    /// The most bytes the cache keeps; blocks freed beyond it go back to the system.
    public var poolCapacity: Int { pool.capacity }

    /// Frees every cached block (like torch.cuda.empty_cache), optionally setting a new capacity.
    public func emptyCache(capacity: Int? = nil) {
        pool.emptyCache(capacity: capacity)
    }
}

extension Storage {
    /// A read-only typed view of a CPU storage, for kernel inputs.
    @inline(__always)
    func input<T>(_ type: T.Type) -> UnsafePointer<T> {
        UnsafePointer(pointer.assumingMemoryBound(to: T.self))
    }
}
