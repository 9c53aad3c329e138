import Synchronization

/// A caching allocator in the manner of PyTorch's CUDA allocator: sizes are rounded up to a
/// few classes, and a freed block goes to a free list of its class instead of back to the
/// driver. The next request of that class takes it, so after its first step a training loop
/// allocates nothing from the driver (cuMemAlloc synchronises the device and is slow). Every
/// kernel runs on one stream, in order, so a block freed by the host may be handed out again
/// at once: work that still reads it was queued before any work that will write it.
///
/// Giving cached blocks back to the driver is different: work still queued may read them. So,
/// as PyTorch does before it frees its cache, the device is synchronised first, then each block
/// is freed, and every status is checked: a failure is reported by its own status (a kernel's
/// failure that the synchronisation surfaces is not an out-of-memory condition).
final class CachingAllocator: Sendable {
    typealias Address = UInt64
    typealias Status = Int32

    /// The three driver calls the allocator makes.
    struct Driver: Sendable {
        /// cuMemAlloc: a new block of exactly this many bytes.
        var obtain: @Sendable (Int) -> Result<Address, Failure>
        /// cuMemFree.
        var release: @Sendable (Address) -> Status
        /// cuCtxSynchronize: waits until no queued work can still read a block.
        var synchronize: @Sendable () -> Status
    }

    /// A driver call that failed, and its CUDA status.
    struct Failure: Error, Sendable, Equatable {
        var call: String
        var status: Status

        var isOutOfMemory: Bool { status == CUDADriverAPI.errorOutOfMemory }
    }

    private struct State {
        var free: [Int: [Address]] = [:]
        var live: [Address: Int] = [:]
        var stats = CUDAMemoryStats()
    }

    private let state = Mutex(State())
    private let driver: Driver

    init(driver: Driver) {
        self.driver = driver
    }

    /// The size class of a request: multiples of 512 bytes up to 1 MiB, then four steps per
    /// power of two (so at most a quarter is wasted).
    static func roundedSize(_ bytes: Int) -> Int {
        let small = 512
        if bytes <= small { return small }
        if bytes <= 1 << 20 { return (bytes + small - 1) / small * small }
        var power = 1 << 20
        while power * 2 <= bytes { power *= 2 }
        let step = power / 4
        return (bytes + step - 1) / step * step
    }

    /// A block of at least `bytes`: from the cache, else from the driver. When the driver is
    /// out of memory (and only then), the cache is returned to it and the request tried once more.
    func allocate(_ bytes: Int) -> Result<Address, Failure> {
        let size = CachingAllocator.roundedSize(bytes)
        return state.withLock { s in
            if var blocks = s.free[size], let address = blocks.popLast() {
                s.free[size] = blocks
                s.stats.cachedBytes -= size
                s.stats.cacheHits += 1
                return .success(take(address, size, &s))
            }
            var result = driver.obtain(size)
            if case .failure(let failure) = result, failure.isOutOfMemory, s.stats.cachedBytes > 0 {
                if let releaseFailure = releaseCache(&s) { return .failure(releaseFailure) }
                result = driver.obtain(size)
            }
            guard case .success(let address) = result else { return result }
            s.stats.driverAllocations += 1
            s.stats.reservedBytes += size
            s.stats.peakReservedBytes = max(s.stats.peakReservedBytes, s.stats.reservedBytes)
            return .success(take(address, size, &s))
        }
    }

    private func take(_ address: Address, _ size: Int, _ s: inout State) -> Address {
        s.live[address] = size
        s.stats.allocatedBytes += size
        s.stats.peakAllocatedBytes = max(s.stats.peakAllocatedBytes, s.stats.allocatedBytes)
        return address
    }

    /// Puts a block back in its free list.
    func free(_ address: Address) {
        state.withLock { s in
            guard let size = s.live.removeValue(forKey: address) else {
                fatalError("CUDA caching allocator: freeing \(address), which it did not hand out")
            }
            s.stats.allocatedBytes -= size
            s.stats.cachedBytes += size
            s.free[size, default: []].append(address)
        }
    }

    /// The rounded size of a live block.
    func size(of address: Address) -> Int? {
        state.withLock { $0.live[address] }
    }

    /// Returns every cached block to the driver, like torch.cuda.empty_cache(); the first
    /// failed call, if any.
    func emptyCache() -> Failure? {
        state.withLock { releaseCache(&$0) }
    }

    /// Synchronises, then frees every cached block, checking each status. A failed
    /// synchronisation frees nothing (queued work may still read the blocks); a failed free
    /// still drops the block from the cache, as the driver's state for it is unknown.
    private func releaseCache(_ s: inout State) -> Failure? {
        guard s.stats.cachedBytes > 0 else { return nil }
        let synchronized = driver.synchronize()
        if synchronized != CUDADriverAPI.success {
            return Failure(call: "cuCtxSynchronize (before freeing cached blocks)", status: synchronized)
        }
        var firstFailure: Failure?
        for size in s.free.keys.sorted() {
            for address in s.free[size] ?? [] {
                let status = driver.release(address)
                if status != CUDADriverAPI.success && firstFailure == nil {
                    firstFailure = Failure(call: "cuMemFree_v2(\(size) bytes)", status: status)
                }
                s.stats.reservedBytes -= size
            }
        }
        s.free.removeAll()
        s.stats.cachedBytes = 0
        return firstFailure
    }

    var stats: CUDAMemoryStats { state.withLock { $0.stats } }
}

/// What a CUDA device's allocator holds, like torch.cuda.memory_allocated / memory_reserved.
public struct CUDAMemoryStats: Sendable, Equatable {
    /// Bytes in blocks that tensors hold now (sizes as rounded).
    public var allocatedBytes = 0
    /// Bytes held from the driver: allocated plus cached.
    public var reservedBytes = 0
    /// Bytes in freed blocks kept for reuse.
    public var cachedBytes = 0
    public var peakAllocatedBytes = 0
    public var peakReservedBytes = 0
    /// How many blocks came from the driver (cuMemAlloc) and how many from the cache.
    public var driverAllocations = 0
    public var cacheHits = 0

    public init() {}
}
