@testable import Autograd
import Testing

/// The host-side arithmetic of the CUDA backend, which needs no GPU: index walks, the
/// allocator's size classes, argument packing and the cache key's hash.
@Suite("CUDA host-side logic")
struct CUDAHostLogicTests {
    @Test("a coalesced walk reads the same offsets as the reference's broadcast index",
          arguments: [
            ([[4, 1, 5], [3, 1]], [4, 3, 5]), ([[2, 3, 4, 5], [5]], [2, 3, 4, 5]), ([[], [6, 7]], [6, 7]),
            ([[7, 1, 3, 1, 2], [1, 5, 1, 4, 1]], [7, 5, 3, 4, 2]), ([[2, 3], [2, 3]], [2, 3]), ([[1, 1], [1]], [1, 1]),
          ] as [([[Int]], [Int])])
    func broadcastWalk(shapes: [[Int]], outShape: [Int]) {
        let layout = StridedLayout.broadcast(shapes, to: outShape)
        let references = shapes.map { BroadcastIndex(from: $0, to: outShape) }
        var counter = IndexCounter(outShape)
        for i in 0..<Shape.count(outShape) {
            for k in shapes.indices {
                #expect(layout.offset(of: i, operand: k) == references[k].offset(counter.index))
            }
            counter.advance()
        }
    }

    @Test("same-shape operands coalesce to one flat dimension; broadcasts keep what they need")
    func coalescing() {
        #expect(StridedLayout.broadcast([[2, 3, 4], [2, 3, 4]], to: [2, 3, 4]) == StridedLayout(sizes: [24], strides: [[1], [1]]))
        #expect(StridedLayout.broadcast([[3, 4], [4]], to: [2, 3, 4]) == StridedLayout(sizes: [2, 3, 4], strides: [[0, 4, 1], [0, 0, 1]]))
        #expect(StridedLayout.broadcast([[3, 4], [3, 1]], to: [2, 3, 4]) == StridedLayout(sizes: [2, 3, 4], strides: [[0, 4, 1], [0, 1, 0]]))
        #expect(StridedLayout.broadcast([[2, 1, 4], [4]], to: [2, 5, 4]) == StridedLayout(sizes: [2, 5, 4], strides: [[4, 0, 1], [0, 0, 1]]))
        #expect(StridedLayout.broadcast([[6, 1, 1], [6, 1, 1]], to: [6, 1, 1]) == StridedLayout(sizes: [6], strides: [[1], [1]]))
        #expect(StridedLayout.broadcast([[], []], to: []) == StridedLayout(sizes: [1], strides: [[0], [0]]))
        let p = StridedLayout.permutation(of: [2, 3, 4], order: [0, 2, 1])
        #expect(p == StridedLayout(sizes: [2, 4, 3], strides: [[12, 1, 4]]))
        #expect(StridedLayout.permutation(of: [2, 3, 4], order: [0, 1, 2]) == StridedLayout(sizes: [24], strides: [[1]]))
    }

    @Test("a permuted walk reads what the reference permute reads")
    func permutationWalk() {
        let shape = [2, 3, 4, 5]
        let order = [3, 1, 0, 2]
        let layout = StridedLayout.permutation(of: shape, order: order)
        let strides = Shape.strides(shape)
        let outShape = order.map { shape[$0] }
        var counter = IndexCounter(outShape)
        for i in 0..<Shape.count(shape) {
            let expected = (0..<4).reduce(0) { $0 + counter.index[$1] * strides[order[$1]] }
            #expect(layout.offset(of: i, operand: 0) == expected)
            counter.advance()
        }
    }

    @Test("allocator size classes: 512-byte steps to 1 MiB, then quarters of a power of two")
    func sizeClasses() {
        #expect(CachingAllocator.roundedSize(1) == 512)
        #expect(CachingAllocator.roundedSize(513) == 1024)
        #expect(CachingAllocator.roundedSize(1 << 20) == 1 << 20)
        #expect(CachingAllocator.roundedSize((1 << 20) + 1) == (1 << 20) + (1 << 18))
        #expect(CachingAllocator.roundedSize(3_000_000) == 3 << 20)
        for bytes in [5_000, 1_500_000, 70_000_000] {
            let size = CachingAllocator.roundedSize(bytes)
            #expect(size >= bytes && Double(size) <= Double(bytes) * 1.25 + 512)
        }
    }

    @Test("the allocator reuses a freed block of the same class and counts what it holds")
    func allocatorBookkeeping() throws {
        // Unchecked: the allocator calls these closures only under its own lock, one at a time.
        final class Driver: @unchecked Sendable {
            var next: UInt64 = 0x1000
            var live = 0
        }
        let driver = Driver()
        let allocator = CachingAllocator(driver: CachingAllocator.Driver(obtain: { bytes in
            driver.next += 0x10_0000
            driver.live += bytes
            return .success(driver.next)
        }, release: { _ in
            driver.live -= 512
            return 0
        }, synchronize: { 0 }))
        let a = try allocator.allocate(100).get()
        allocator.free(a)
        let b = try allocator.allocate(300).get()
        #expect(a == b, "same class: the cached block comes back")
        let c = try allocator.allocate(600).get()
        #expect(c != a)
        var stats = allocator.stats
        #expect(stats.allocatedBytes == 512 + 1024 && stats.reservedBytes == 512 + 1024 && stats.driverAllocations == 2 && stats.cacheHits == 1)
        allocator.free(b)
        #expect(allocator.emptyCache() == nil)
        stats = allocator.stats
        #expect(stats.cachedBytes == 0 && stats.reservedBytes == 1024 && stats.allocatedBytes == 1024)
    }

    /// A driver that logs its calls and fails as told: out of memory while `full`, and with the
    /// given statuses for cuMemFree and cuCtxSynchronize.
    final class LoggingDriver: @unchecked Sendable {
        // Unchecked: the allocator calls the driver only under its own lock, and the test reads
        // and sets these fields only between allocator calls, on its own thread.
        var log: [String] = []
        var full = false
        var obtainStatus: Int32 = 2
        var releaseStatus: Int32 = 0
        var synchronizeStatus: Int32 = 0
        var next: UInt64 = 0x1000

        var allocator: CachingAllocator {
            CachingAllocator(driver: CachingAllocator.Driver(obtain: { bytes in
                self.log.append("alloc \(bytes)")
                if self.full { return .failure(CachingAllocator.Failure(call: "cuMemAlloc_v2", status: self.obtainStatus)) }
                self.next += 0x10_0000
                return .success(self.next)
            }, release: { address in
                self.log.append("free")
                self.full = false
                return self.releaseStatus
            }, synchronize: {
                self.log.append("sync")
                return self.synchronizeStatus
            }))
        }
    }

    @Test("out of memory with blocks cached: synchronise, then free each, then retry")
    func outOfMemoryRetryOrder() throws {
        let driver = LoggingDriver()
        let allocator = driver.allocator
        allocator.free(try allocator.allocate(512).get())
        allocator.free(try allocator.allocate(1024).get())
        driver.log = []
        driver.full = true
        let block = try allocator.allocate(4096).get()
        #expect(driver.log == ["alloc 4096", "sync", "free", "free", "alloc 4096"])
        #expect(allocator.size(of: block) == 4096)
        #expect(allocator.stats.cachedBytes == 0 && allocator.stats.reservedBytes == 4096)
    }

    @Test("a failed synchronisation frees nothing and is reported with its own status")
    func failedSynchronization() throws {
        let driver = LoggingDriver()
        let allocator = driver.allocator
        allocator.free(try allocator.allocate(512).get())
        driver.log = []
        driver.full = true
        driver.synchronizeStatus = 719
        let result = allocator.allocate(4096)
        #expect(driver.log == ["alloc 4096", "sync"])
        guard case .failure(let failure) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.status == 719 && !failure.isOutOfMemory && failure.call.hasPrefix("cuCtxSynchronize"))
        #expect(allocator.stats.cachedBytes == 512, "nothing was freed")
    }

    @Test("a failed free is reported; a status other than out of memory is not retried")
    func failedFreeAndOtherStatuses() throws {
        let driver = LoggingDriver()
        let allocator = driver.allocator
        allocator.free(try allocator.allocate(512).get())
        driver.log = []
        driver.full = true
        driver.releaseStatus = 1
        guard case .failure(let failure) = allocator.allocate(4096) else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.status == 1 && failure.call.hasPrefix("cuMemFree_v2"))
        #expect(allocator.stats.cachedBytes == 0)

        driver.full = false
        driver.releaseStatus = 0
        allocator.free(try allocator.allocate(512).get())
        driver.full = true
        driver.obtainStatus = 719
        driver.log = []
        guard case .failure(let other) = allocator.allocate(4096) else {
            Issue.record("expected a failure")
            return
        }
        #expect(other.status == 719 && driver.log == ["alloc 4096"], "only out of memory releases the cache")
        #expect(allocator.emptyCache() == nil && driver.log == ["alloc 4096", "sync", "free"])
    }

    @Test("argument blocks: status first, fixed-size dims, the magic last")
    func argumentPacking() {
        var args = KernelArguments(status: 0xABC)
        args.int(-2)
        args.double(0.5)
        args.dims([3, 4])
        args.bool(true)
        let sealed = args.sealed
        #expect(sealed.count == 1 + 1 + 1 + 8 + 1 + 1)
        #expect(sealed[0] == 0xABC)
        #expect(Int64(bitPattern: sealed[1]) == -2)
        #expect(Double(bitPattern: sealed[2]) == 0.5)
        #expect(Array(sealed[3..<11]) == [3, 4, 0, 0, 0, 0, 0, 0])
        #expect(sealed[11] == 1)
        #expect(sealed.last == KernelArguments.magic)
    }

    @Test("SHA-256 matches the FIPS 180-4 examples")
    func sha256() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)).count == 64)
    }

    @Test("the cache key changes with the source, the target and the NVRTC version")
    func cacheKey() {
        let base = CUDAKernelCache.key(source: "x", target: .cubin(architecture: 80), compilerVersion: "12.4")
        #expect(base != CUDAKernelCache.key(source: "y", target: .cubin(architecture: 80), compilerVersion: "12.4"))
        #expect(base != CUDAKernelCache.key(source: "x", target: .cubin(architecture: 90), compilerVersion: "12.4"))
        #expect(base != CUDAKernelCache.key(source: "x", target: .ptx(architecture: 80), compilerVersion: "12.4"))
        #expect(base != CUDAKernelCache.key(source: "x", target: .cubin(architecture: 80), compilerVersion: "12.5"))
    }

    @Test("the kernel driver version is read from /proc's text")
    func kernelDriverVersion() {
        let text = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\nGCC version: gcc 12\n"
        #expect(CUDADeviceInfo.kernelDriverVersion(procText: text) == "550.54.14")
        #expect(CUDADeviceInfo.kernelDriverVersion(procText: nil) == nil)
    }

    @Test("report numbers print in short scientific notation")
    func scientific() {
        #expect(SelfTestReport.scientific(0) == "0")
        #expect(SelfTestReport.scientific(3.14159e-7) == "3.1e-07")
        #expect(SelfTestReport.scientific(9.96e-5) == "1.0e-04")
        #expect(SelfTestReport.scientific(123) == "1.2e+02")
        #expect(SelfTestReport.scientific(.nan) == "nan")
    }
}
