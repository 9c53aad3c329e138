import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A cache of freed host blocks, so a training step, which frees and allocates the same sizes
/// every iteration, stops calling malloc for every op (PyTorch's CPU and CUDA caching
/// allocators do the same).
///
/// Blocks are grouped in size classes, four per power of two (at most 25% slack), and every
/// block is 64-byte aligned. A freed block goes on its class's free list unless the cache would
/// then hold more than `capacity` bytes, in which case it is freed at once; allocating pops a
/// block of the class or mallocs a new one. A block is on a free list or handed out, never both,
/// so no memory is ever given to two live storages. One Mutex guards the lists: storages can
/// be freed on any thread.
final class CPUBufferPool: Sendable {
    static let alignment = 64
    /// The smallest class; smaller requests share it.
    static let minimumBytes = 64
    /// Classes: one for ≤ 64 bytes, then four per power of two up to 2⁶².
    static let classCount = 1 + (62 - 6 + 1) * 4

    /// What the cache holds and how often it served a request (for tests and diagnostics).
    struct Statistics: Sendable, Equatable {
        var cachedBytes = 0
        var cachedBlocks = 0
        var hits = 0
        var misses = 0
    }

    private struct State {
        /// Free blocks per class, as addresses (raw pointers are not Sendable).
        var free = [[UInt]](repeating: [], count: CPUBufferPool.classCount)
        var capacity: Int
        var statistics = Statistics()
    }

    private let state: Mutex<State>

    init(capacity: Int) {
        state = Mutex(State(capacity: capacity))
    }

    /// The class of a request of `byteCount` bytes and the size of its blocks.
    @inline(__always)
    static func sizeClass(_ byteCount: Int) -> (index: Int, bytes: Int) {
        if byteCount <= minimumBytes { return (0, minimumBytes) }
        let n = byteCount - 1
        let k = Int.bitWidth - 1 - n.leadingZeroBitCount   // 2^k ≤ n < 2^(k+1), k ≥ 6
        let shift = k - 2
        let m = n >> shift                                  // 4...7
        return (1 + (k - 6) * 4 + (m - 4), (m + 1) << shift)
    }

    /// A 64-byte-aligned block of at least `byteCount` bytes, uninitialised.
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let (index, bytes) = CPUBufferPool.sizeClass(byteCount)
        let cached: UInt? = state.withLock { state in
            if let address = state.free[index].popLast() {
                state.statistics.cachedBytes -= bytes
                state.statistics.cachedBlocks -= 1
                state.statistics.hits += 1
                return address
            }
            state.statistics.misses += 1
            return nil
        }
        if let cached, let pointer = UnsafeMutableRawPointer(bitPattern: cached) {
            #if DEBUG
            // Reused memory is never zeroed: make a kernel that assumes it is fail loudly (NaN).
            pointer.initializeMemory(as: UInt8.self, repeating: 0xFF, count: bytes)
            #endif
            return pointer
        }
        var raw: UnsafeMutableRawPointer?
        let status = posix_memalign(&raw, CPUBufferPool.alignment, bytes)
        // fatalError, not precondition: release builds use -Ounchecked, which drops preconditions.
        if status != 0 || raw == nil { fatalError("out of memory allocating \(bytes) bytes") }
        return raw.unsafelyUnwrapped
    }

    /// Takes back a block that `allocate(byteCount:)` returned for the same `byteCount`.
    func release(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let (index, bytes) = CPUBufferPool.sizeClass(byteCount)
        let address = UInt(bitPattern: pointer)
        let kept = state.withLock { state in
            guard state.statistics.cachedBytes + bytes <= state.capacity else { return false }
            state.free[index].append(address)
            state.statistics.cachedBytes += bytes
            state.statistics.cachedBlocks += 1
            return true
        }
        if !kept { free(pointer) }
    }

    /// Frees every cached block (like torch.cuda.empty_cache) and sets a new capacity if given.
    func emptyCache(capacity: Int? = nil) {
        let addresses: [UInt] = state.withLock { state in
            if let capacity { state.capacity = Swift.max(0, capacity) }
            let all = state.free.flatMap { $0 }
            for i in state.free.indices { state.free[i].removeAll(keepingCapacity: true) }
            state.statistics.cachedBytes = 0
            state.statistics.cachedBlocks = 0
            return all
        }
        for address in addresses { free(UnsafeMutableRawPointer(bitPattern: address)) }
    }

    var statistics: Statistics { state.withLock { $0.statistics } }
    var capacity: Int { state.withLock { $0.capacity } }
}
