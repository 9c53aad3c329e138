import Synchronization

/// A caching allocator in the manner of PyTorch's CUDA allocator: sizes are rounded up to a
/// few classes, and a freed block goes to a free list of its class instead of back to the
/// driver. The next request of that class takes it, so after its first step a training loop
/// allocates nothing from the driver (cuMemAlloc synchronises the device and is slow). Every
/// kernel runs on one stream, in order, so a block freed by the host may be handed out again
/// at once: work that still reads it was queued before any work that will write it.
final class CachingAllocator: Sendable {
    typealias Address = UInt64

    private struct State {
        var free: [Int: [Address]] = [:]
        var live: [Address: Int] = [:]
        var stats = CUDAMemoryStats()
    }

    private let state = Mutex(State())
    private let obtain: @Sendable (Int) -> Result<Address, DeviceError>
    private let release: @Sendable (Address) -> Void

    /// `obtain` gets a block from the driver, `release` gives one back.
    init(obtain: @escaping @Sendable (Int) -> Result<Address, DeviceError>, release: @escaping @Sendable (Address) -> Void) {
        self.obtain = obtain
        self.release = release
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

    /// A block of at least `bytes`: from the cache, else from the driver; when the driver is
    /// out of memory, the cache is returned to it and the request tried once more.
    func allocate(_ bytes: Int) -> Result<Address, DeviceError> {
        let size = CachingAllocator.roundedSize(bytes)
        return state.withLock { s in
            if var blocks = s.free[size], let address = blocks.popLast() {
                s.free[size] = blocks
                s.stats.cachedBytes -= size
                s.stats.cacheHits += 1
                return .success(take(address, size, &s))
            }
            var result = obtain(size)
            if case .failure = result, s.stats.cachedBytes > 0 {
                releaseCache(&s)
                result = obtain(size)
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

    /// Returns every cached block to the driver, like torch.cuda.empty_cache().
    func emptyCache() {
        state.withLock { releaseCache(&$0) }
    }

    private func releaseCache(_ s: inout State) {
        for (size, blocks) in s.free {
            for address in blocks { release(address) }
            s.stats.reservedBytes -= size * blocks.count
        }
        s.free.removeAll()
        s.stats.cachedBytes = 0
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
