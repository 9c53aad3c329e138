@testable import Autograd
import Foundation
import Testing

/// The whole CUDA backend, run on the CPU emulation of the driver (CUDAEmulator): every kernel
/// and composite op of the self-test must match the CPU backend, the allocator must reuse
/// blocks, and the kernel cache must keep NVRTC from running twice.
@Suite("CUDA backend on the emulated driver", .serialized,
       .enabled(if: CUDAEmulator.requirementMet, "the CUDA emulator could not be built (the reason is printed above)"))
struct CUDAEmulatedBackendTests {
    @Test("the self-test passes: every kernel and composite op matches the CPU")
    func selfTest() throws {
        let backend = try CUDAEmulator.backend.get()
        let report = CUDASelfTest.run(backend: backend, seed: 7)
        if !report.passed { print(report.table) }
        #expect(report.failures.isEmpty, "\(report.failures.map { "\($0.name) \($0.dtype) \($0.detail): \($0.note)" })")
        #expect(report.rows.count > 200)
        #expect(report.table.contains("passed, 0 failed"))
        #expect(!backend.poisonsAllocations, "the self-test puts the poison flag back")
    }

    @Test("extra checks plug into the report, and one that throws is a failed row")
    func extraChecks() throws {
        struct Broken: Error {}
        let backend = try CUDAEmulator.backend.get()
        let ok = SelfTestCheck(name: "device echo") { device in
            [SelfTestRow(name: "device echo", dtype: "", detail: "\(device)", maxError: 0, passed: device == .cuda(0))]
        }
        let broken = SelfTestCheck(name: "training comparison") { _ in throw Broken() }
        let report = CUDASelfTest.run(backend: backend, dtypes: [], extraChecks: [ok, broken])
        #expect(report.rows.contains { $0.name == "device echo" && $0.passed && $0.detail == "cuda:0" })
        #expect(report.failures.map(\.name) == ["training comparison"])
        #expect(report.table.contains("training comparison") && report.table.contains("FAIL"))
    }

    @Test("devices lists the emulated GPU; a missing index is a DeviceError")
    func devices() throws {
        let libraries = try CUDAEmulator.setup.get().libraries
        let list = try libraries.devices()
        #expect(list.count == 1)
        #expect(list[0].name == "blitz CPU emulator")
        #expect(list[0].computeCapability == "8.0" && list[0].architecture == 80)
        #expect(list[0].totalMemory == 1 << 30)
        #expect(list[0].cudaDriverVersion == "13.0")
        #expect(list[0].summary.hasPrefix("cuda:0  blitz CPU emulator  1.0 GiB  compute capability 8.0"))
        let availability = libraries.availability
        #expect(availability.isAvailable)
        #expect(availability.summary.contains("nvrtc: ") && availability.summary.contains("(13.0)"))
        let error = #expect(throws: DeviceError.self) { try libraries.makeBackend(index: 3) }
        #expect(error?.message == "cuda:3 is not available: the driver reports 1 CUDA device (cuda:0)")
    }

    @Test("kernels compiled once are loaded from the disk cache by the next backend")
    func kernelCache() throws {
        let setup = try CUDAEmulator.setup.get()
        let folder = CUDATestSupport.temporaryFolder("kernel-cache")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = CUDALibraries.load(search: .only([setup.folder]), kernelCache: CUDAKernelCache(folder: folder))
        _ = try first.makeBackend(index: 0)
        #expect(first.kernelCache.counters == .init(compiled: 3, fromMemory: 0, fromDisk: 0))
        let second = CUDALibraries.load(search: .only([setup.folder]), kernelCache: CUDAKernelCache(folder: folder))
        _ = try second.makeBackend(index: 0)
        #expect(second.kernelCache.counters == .init(compiled: 0, fromMemory: 0, fromDisk: 3))
        _ = try second.makeBackend(index: 0)
        #expect(second.kernelCache.counters == .init(compiled: 0, fromMemory: 3, fromDisk: 3))
    }

    @Test("after the first training step, steps take every block from the cache")
    func allocatorReuse() throws {
        let backend = try CUDAEmulator.backend.get()
        var bench = SelfTestBench(device: backend, cpu: Backends.cpu, seed: 3)
        let weight = Tensor(storage: bench.random(10 * 20, .float32).device, shape: [10, 20])
        let bias = Tensor(storage: bench.random(10, .float32).device, shape: [10])
        try weight.requireGrad()
        try bias.requireGrad()
        let hyper = SGDHyper(lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true)
        func step() throws -> Double {
            let x = Tensor(storage: bench.random(16 * 20, .float32).device, shape: [16, 20])
            let labels = Tensor(storage: bench.indices(16, below: 10).device, shape: [16])
            let loss = Tensor.crossEntropy(Tensor.addmm(bias, x, weight.t()), labels)
            try loss.backward()
            for p in [weight, bias] {
                backend.sgdStep(parameter: p.storage, grad: p.grad!.storage, momentumBuffer: nil, hyper)
                p.grad = nil
            }
            return loss.item()
        }
        let before = backend.memoryStats
        _ = try step()
        let warm = backend.memoryStats
        let losses = [try step(), try step()]
        let after = backend.memoryStats
        #expect(losses.allSatisfy { $0.isFinite })
        #expect(after.driverAllocations == warm.driverAllocations, "steps after the first allocate nothing from the driver")
        #expect(after.cacheHits > warm.cacheHits)
        #expect(after.allocatedBytes == warm.allocatedBytes, "a step gives back all it took")
        #expect(warm.allocatedBytes - before.allocatedBytes == 0)
    }

    @Test("out of memory: the cache goes back to the driver and the request is tried again")
    func outOfMemory() throws {
        let backend = try CUDAEmulator.backend.get()
        let setLimit = try #require(CUDAEmulator.symbol("libcuda.so.1", "fake_cuda_set_memory_limit", as: (@convention(c) (Int) -> Void).self))
        let inUse = try #require(CUDAEmulator.symbol("libcuda.so.1", "fake_cuda_bytes_in_use", as: (@convention(c) () -> Int).self))
        defer { setLimit(Int.max) }
        backend.emptyCache()
        setLimit(inUse() + 3 << 20)
        do {
            let cached = backend.allocate(count: 1 << 19, dtype: .float32)  // 2 MiB
            #expect(cached.count == 1 << 19)
        }
        #expect(backend.memoryStats.cachedBytes == 2 << 20)
        let big = backend.allocate(count: 640 << 10, dtype: .float32)  // 2.5 MiB: only fits once the cache is released
        #expect(big.count == 640 << 10)
        #expect(backend.memoryStats.cachedBytes == 0)
        #expect(backend.memoryStats.reservedBytes >= backend.memoryStats.allocatedBytes)
    }

    @Test("a bad index in gather stops the program at the next download, naming index and size")
    func gatherOutOfBounds() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let backend = try CUDAEmulator.backend.get()
            var bench = SelfTestBench(device: backend, cpu: Backends.cpu, seed: 1)
            let x = bench.random(12, .float32)
            let index = bench.pair([0, 5, 2], .int64)
            let out = backend.gather(x.device, outer: 3, size: 4, inner: 1, index: index.device, indexSize: 1)
            _ = SelfTestComparison.values(out)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("gather: index 5 is out of bounds for dimension with size 4 (on cuda:0)"))
        }
    }

    @Test("ops on tensors of two devices stop with PyTorch's message")
    func mixedDevices() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let backend = try CUDAEmulator.backend.get()
            let gpu = Tensor(storage: SelfTestComparison.upload([1, 2], .float32, to: backend), shape: [2])
            _ = gpu + Tensor([1, 2] as [Float])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"))
        }
    }

    @Test("GEMM with k = 0 is C = beta·C: zeros for beta 0, scaled C otherwise (no leading dimension 0 to cuBLAS)")
    func gemmWithEmptyInnerDimension() throws {
        let backend = try CUDAEmulator.backend.get()
        let (m, n, batch) = (3, 4, 2)
        for dtype in [DType.float32, .float64] {
            for transA in [false, true] {
                for transB in [false, true] {
                    for b in [1, batch] {
                        let empty = SelfTestComparison.upload([], dtype, to: backend)
                        let old = (0..<(b * m * n)).map { Double($0) - 5 }
                        let zeroed = SelfTestComparison.upload(old.map { _ in .nan }, dtype, to: backend)
                        backend.gemm(empty, empty, into: zeroed, m: m, n: n, k: 0, transA: transA, transB: transB,
                                     alpha: 1, beta: 0, batch: b, strideA: 0, strideB: 0, strideC: m * n)
                        #expect(SelfTestComparison.values(zeroed) == old.map { _ in 0 }, "\(dtype) beta 0 batch \(b)")
                        let scaled = SelfTestComparison.upload(old, dtype, to: backend)
                        backend.gemm(empty, empty, into: scaled, m: m, n: n, k: 0, transA: transA, transB: transB,
                                     alpha: 3, beta: 0.5, batch: b, strideA: 0, strideB: 0, strideC: m * n)
                        #expect(SelfTestComparison.values(scaled) == old.map { $0 * 0.5 }, "\(dtype) beta 0.5 batch \(b)")
                    }
                }
            }
        }
    }

    @Test("a kernel's failure reported by an allocation is worded by its status, not as out of memory")
    func allocationReportsKernelFailure() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let backend = try CUDAEmulator.backend.get()
            let failNext = CUDAEmulator.symbol("libcuda.so.1", "fake_cuda_fail_next_call", as: (@convention(c) (Int32) -> Void).self)
            failNext?(719)  // CUDA_ERROR_LAUNCH_FAILED, as a failed kernel leaves it
            _ = backend.allocate(count: 3 << 20, dtype: .float32)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("CUDA error on cuda:0 while allocating 12.0 MiB: cuMemAlloc_v2(12582912 bytes) failed "
                                  + "with CUDA_ERROR_LAUNCH_FAILED"))
            #expect(text.contains("run with BLITZ_CUDA_LAUNCH_BLOCKING=1 to stop at the launch that failed"))
            #expect(!text.contains("out of memory"))
        }
    }

    @Test("out of memory is said only for CUDA_ERROR_OUT_OF_MEMORY, with what the allocator holds")
    func outOfMemoryMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let backend = try CUDAEmulator.backend.get()
            let setLimit = CUDAEmulator.symbol("libcuda.so.1", "fake_cuda_set_memory_limit", as: (@convention(c) (Int) -> Void).self)
            setLimit?(1 << 20)
            _ = backend.allocate(count: 3 << 20, dtype: .float32)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("CUDA out of memory on cuda:0 allocating 12.0 MiB: cuMemAlloc_v2(12582912 bytes) failed "
                                  + "with CUDA_ERROR_OUT_OF_MEMORY (out of memory);"))
            #expect(text.contains("allocated by tensors") && !text.contains("BLITZ_CUDA_LAUNCH_BLOCKING"))
        }
    }

    @Test("launch-blocking mode stops at the failing kernel's launch, not at the next download")
    func launchBlocking() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let backend = try CUDAEmulator.backend.get()
            backend.synchronizesEveryLaunch = true
            var bench = SelfTestBench(device: backend, cpu: Backends.cpu, seed: 1)
            let x = bench.random(12, .float32)
            let index = bench.pair([0, 5, 2], .int64)
            _ = backend.gather(x.device, outer: 3, size: 4, inner: 1, index: index.device, indexSize: 1)
            FileHandle.standardError.write(Data("the program went on past the launch\n".utf8))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("gather: index 5 is out of bounds for dimension with size 4 (on cuda:0, reported right "
                                  + "after the kernel gather (float32))"))
            #expect(!text.contains("the program went on"))
        }
    }

    @Test("launch-blocking mode is asked for by BLITZ_CUDA_LAUNCH_BLOCKING, anything but 0")
    func launchBlockingVariable() async {
        await #expect(processExitsWith: .success) {
            setenv("BLITZ_CUDA_LAUNCH_BLOCKING", "1", 1)
            precondition(CUDABackend.launchBlockingRequested)
            setenv("BLITZ_CUDA_LAUNCH_BLOCKING", "0", 1)
            precondition(!CUDABackend.launchBlockingRequested)
            unsetenv("BLITZ_CUDA_LAUNCH_BLOCKING")
            precondition(!CUDABackend.launchBlockingRequested)
        }
    }
}

/// The public path, in a process of its own (it changes which libraries CUDADevices uses):
/// `Module.to(.cuda(0))`, `Tensor.to`, SGD with momentum on the device, and the gradient that
/// flows back through `to` to a CPU leaf, all against the same run on the CPU.
@Suite("CUDA through the public API, on the emulated driver",
       .enabled(if: CUDAEmulator.requirementMet, "the CUDA emulator could not be built (the reason is printed above)"))
struct CUDAEmulatedPublicPathTests {
    @Test("a small network trains the same on cuda:0 as on the CPU")
    func training() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            try CUDADevices.use(CUDAEmulator.setup.get().libraries)
            func network() -> Sequential {
                var generator = RandomGenerator(seed: 11)
                return Sequential(Linear(20, 16, generator: &generator), ReLU(), Linear(16, 5, generator: &generator))
            }
            let (onCPU, onGPU) = (network(), try network().to(.cuda(0)))
            precondition(onGPU.parameters().allSatisfy { $0.device == .cuda(0) }, "Module.to left a parameter behind")
            let optimizers = [try SGD(onCPU.parameters(), lr: 0.1, momentum: 0.9), try SGD(onGPU.parameters(), lr: 0.1, momentum: 0.9)]
            var generator = RandomGenerator(seed: 12)
            let x = try Tensor.randn([32, 20], generator: &generator).requireGrad()
            let labels = Tensor.randint(0, 5, [32], generator: &generator)
            let (xGPU, labelsGPU) = (try x.to(.cuda(0)), try labels.to(.cuda(0)))
            for step in 0..<5 {
                var losses: [Double] = []
                for (net, optimizer, input, target) in [(onCPU, optimizers[0], x, labels), (onGPU, optimizers[1], xGPU, labelsGPU)] {
                    optimizer.zeroGrad()
                    x.grad = nil
                    let loss = Tensor.crossEntropy(net(input), target)
                    try loss.backward()
                    optimizer.step()
                    losses.append(loss.item())
                }
                precondition(abs(losses[0] - losses[1]) <= 1e-5 * abs(losses[0]), "step \(step): loss \(losses[1]) on cuda:0, \(losses[0]) on cpu")
            }
            // The last backward reached the CPU leaf through ToCopyBackward0.
            precondition(x.grad?.device == .cpu, "the gradient of a CPU leaf moved to cuda:0 comes back to the CPU")
            for (a, b) in zip(onCPU.parameters(), onGPU.parameters()) {
                for (u, v) in zip(a.doubles, try b.to(.cpu).doubles) where abs(u - v) > 1e-5 * max(abs(u), 1e-2) {
                    fatalError("parameters differ after 5 steps: \(v) on cuda:0, \(u) on cpu")
                }
            }
            precondition(CUDADevices.memoryStats(index: 0)!.allocatedBytes > 0)
        }
        if let result, result.exitStatus != .exitCode(0) {
            Issue.record("the child said: \(String(decoding: result.standardErrorContent, as: UTF8.self).suffix(600))")
        }
    }
}
