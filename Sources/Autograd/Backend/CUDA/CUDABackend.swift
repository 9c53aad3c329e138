import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The CUDA backend: every kernel of the Backend protocol runs on one GPU.
///
/// A Storage's pointer is a device address. Kernels are CUDA C (CUDAKernelSource) compiled by
/// NVRTC for this GPU when the backend is made, one module per dtype; GEMMs go to cuBLAS.
/// Everything is queued on the legacy default stream, in order, so ops never wait for the GPU:
/// only `download` (and `sumOfSquares`, which returns a host number) synchronise, and that is
/// also when a problem a kernel reported (a bad index) stops the program with its message.
/// Memory comes from a caching allocator, so a training step does not call cuMemAlloc.
///
/// Setup failures (context, compile, module load) throw a DeviceError; a failure while an op
/// runs (out of memory, a failed launch, a bad index) stops the program with a message naming
/// the call and the CUDA status, as ops cannot throw. Those stops are fatalErrors rather than
/// preconditions so that release builds, compiled with -Ounchecked, keep them. A kernel that
/// fails on the GPU is reported by whichever call waits next; with BLITZ_CUDA_LAUNCH_BLOCKING=1
/// (or `synchronizesEveryLaunch`) every launch waits for its kernel, so the report names it.
public final class CUDABackend: Backend {
    public let info: CUDADeviceInfo
    /// What the kernels were compiled to, and by which NVRTC.
    public let kernelTarget: CUDACompileTarget
    public let compilerVersion: String

    let driver: CUDADriverAPI
    let cublas: CuBLASAPI
    private let context: UInt
    private let cublasHandle: Mutex<UInt>
    /// CUfunction bit patterns per dtype, indexed by CUDAKernel.rawValue (0: absent).
    private let functions: [DType: [UInt]]
    let allocator: CachingAllocator
    /// Four i64 on the device where kernels report problems (see CUDAKernelSource).
    let statusAddress: UInt64
    private let poison = Atomic<Bool>(false)
    private let blocking = Atomic<Bool>(CUDABackend.launchBlockingRequested)

    /// The environment variable that turns on `synchronizesEveryLaunch` for new backends, like
    /// PyTorch's CUDA_LAUNCH_BLOCKING (which the driver itself reads, and which also works here).
    public static let launchBlockingVariable = "BLITZ_CUDA_LAUNCH_BLOCKING"

    /// Whether the environment asks for launch-blocking mode: the variable set to anything but 0.
    static var launchBlockingRequested: Bool {
        guard let value = getenv(launchBlockingVariable) else { return false }
        let text = String(cString: value)
        return !text.isEmpty && text != "0"
    }

    static let blockThreads = 256
    static let maxBlocks = 65535 * 16

    public var device: Device { .cuda(info.index) }
    public var name: String { "cuda" }

    init(driver loaded: CUDADriver, compiler: CUDAKernelCompiler, cublas: CuBLASAPI, cache: CUDAKernelCache,
         index: Int) throws(DeviceError) {
        let api = loaded.api
        driver = api
        self.cublas = cublas
        info = try loaded.info(index)
        let device = try loaded.device(index)
        var ctx: OpaquePointer?
        try api.check(api.cuDevicePrimaryCtxRetain(&ctx, device), "cuDevicePrimaryCtxRetain(cuda:\(index))")
        try api.check(api.cuCtxSetCurrent(ctx), "cuCtxSetCurrent(cuda:\(index))")
        context = UInt(bitPattern: ctx)

        var handle: CuBLASAPI.Handle?
        try cublas.check(cublas.cublasCreate(&handle), "cublasCreate_v2 (cuda:\(index))")
        cublasHandle = Mutex(UInt(bitPattern: handle))

        var status: UInt64 = 0
        try api.check(api.cuMemAlloc(&status, 64), "cuMemAlloc_v2 (status word)")
        try api.check(api.cuMemsetD8(status, 0, 64), "cuMemsetD8_v2 (status word)")
        statusAddress = status

        let target = compiler.target(for: info.architecture)
        kernelTarget = target
        compilerVersion = compiler.version
        var table: [DType: [UInt]] = [:]
        for dtype in DType.allCases {
            let source = CUDAKernelSource.source(for: dtype)
            let image = try cache.image(source: source, name: "blitz_\(dtype.rawValue).cu", target: target,
                                        compiler: compiler)
            var module: OpaquePointer?
            let loadStatus = image.bytes.withUnsafeBytes { api.cuModuleLoadData(&module, $0.baseAddress) }
            if loadStatus != CUDADriverAPI.success {
                throw DeviceError("cuModuleLoadData(\(dtype) kernels, \(target) from NVRTC \(compiler.version)) failed with "
                                  + "\(api.describe(loadStatus)) on \(info.name) (driver CUDA \(loaded.versionText)): "
                                  + "an NVRTC newer than the driver produces code it cannot load; point "
                                  + "\(CUDASearch.environmentVariable) at an NVRTC of CUDA \(loaded.majorVersion).x")
            }
            var entries = [UInt](repeating: 0, count: CUDAKernel.allCases.count + 1)
            for kernel in CUDAKernelSource.kernels(for: dtype) {
                var function: OpaquePointer?
                try api.check(api.cuModuleGetFunction(&function, module, kernel.symbol),
                              "cuModuleGetFunction(\(kernel.symbol), \(dtype))")
                entries[kernel.rawValue] = UInt(bitPattern: function)
            }
            table[dtype] = entries
        }
        functions = table

        let alloc = api.cuMemAlloc
        let free = api.cuMemFree
        let synchronize = api.cuCtxSynchronize
        allocator = CachingAllocator(driver: CachingAllocator.Driver(
            obtain: { bytes in
                var address: UInt64 = 0
                let s = alloc(&address, bytes)
                if s == CUDADriverAPI.success { return .success(address) }
                return .failure(CachingAllocator.Failure(call: "cuMemAlloc_v2(\(bytes) bytes)", status: s))
            },
            release: { address in free(address) },
            synchronize: { synchronize() }))
    }

    /// Memory held by this GPU's allocator.
    public var memoryStats: CUDAMemoryStats { allocator.stats }

    /// Returns cached blocks to the driver (torch.cuda.empty_cache()).
    public func emptyCache() {
        makeCurrent()
        if let failure = allocator.emptyCache() {
            driver.require(failure.status, failure.call)
        }
    }

    /// When on, every new block is filled with NaN bytes (0xFF) so an element a kernel forgot
    /// to write shows up: the self-test turns it on.
    public var poisonsAllocations: Bool {
        get { poison.load(ordering: .relaxed) }
        set { poison.store(newValue, ordering: .relaxed) }
    }

    /// Waits for the GPU and stops on any problem a kernel reported.
    public func synchronize() {
        makeCurrent()
        driver.require(driver.cuCtxSynchronize(), "cuCtxSynchronize")
        checkStatus()
    }

    /// Launch-blocking mode, for debugging: every kernel launch and cuBLAS call is followed by a
    /// synchronisation and a read of the status word, so a kernel that fails (or reports a bad
    /// index) stops the program at its own launch, named, instead of at a later call. Slow.
    public var synchronizesEveryLaunch: Bool {
        get { blocking.load(ordering: .relaxed) }
        set { blocking.store(newValue, ordering: .relaxed) }
    }

    /// In launch-blocking mode, waits for the work `call` just queued and checks what it reported.
    func waitIfLaunchBlocking(_ call: @autoclosure () -> String) {
        guard synchronizesEveryLaunch else { return }
        let name = call()
        driver.require(driver.cuCtxSynchronize(), "\(name), found by the synchronisation after it", afterLaunch: true)
        checkStatus(after: name)
    }

    // MARK: plumbing

    static func address(_ storage: Storage) -> UInt64 {
        UInt64(UInt(bitPattern: storage.pointer))
    }

    /// The primary context is per thread: make it this thread's before any driver call.
    @inline(__always)
    func makeCurrent() {
        driver.require(driver.cuCtxSetCurrent(OpaquePointer(bitPattern: context)), "cuCtxSetCurrent(cuda:\(info.index))")
    }

    /// Runs a cuBLAS call with the handle, one thread at a time (a handle is not thread-safe).
    func withCuBLASHandle(_ body: (CuBLASAPI.Handle?) -> Void) {
        cublasHandle.withLock { body(OpaquePointer(bitPattern: $0)) }
    }

    func arguments() -> KernelArguments {
        KernelArguments(status: statusAddress)
    }

    /// Launches `kernel` over `elements` items (grid-stride, so any count is covered).
    func launch(_ kernel: CUDAKernel, _ dtype: DType, elements: Int, _ args: KernelArguments) {
        guard elements > 0 else { return }
        let needed = (elements + CUDABackend.blockThreads - 1) / CUDABackend.blockThreads
        let blocks = Swift.min(needed, CUDABackend.maxBlocks)
        launch(kernel, dtype, blocks: blocks, args)
    }

    /// Launches `kernel` with `blocks` blocks of 256 threads.
    func launch(_ kernel: CUDAKernel, _ dtype: DType, blocks: Int, _ args: KernelArguments) {
        guard blocks > 0 else { return }
        guard let table = functions[dtype], case let f = table[kernel.rawValue], f != 0 else {
            fatalError("\(kernel.symbol) is not defined for \(dtype) tensors")
        }
        makeCurrent()
        var block = args.sealed
        let status = block.withUnsafeMutableBytes { raw -> Int32 in
            var params: [UnsafeMutableRawPointer?] = [raw.baseAddress]
            return params.withUnsafeMutableBufferPointer { p in
                driver.cuLaunchKernel(OpaquePointer(bitPattern: f), UInt32(blocks), 1, 1,
                                      UInt32(CUDABackend.blockThreads), 1, 1, 0, nil, p.baseAddress, nil)
            }
        }
        driver.require(status, "cuLaunchKernel(\(kernel.symbol), \(dtype), \(blocks) blocks)")
        waitIfLaunchBlocking("the kernel \(kernel.symbol) (\(dtype.rawValue))")
    }

    /// Reads the status word (this waits for the GPU) and stops on a reported problem (with
    /// fatalError, which -Ounchecked keeps: these come from data, not from the code). `after`
    /// names the work just queued, in launch-blocking mode.
    func checkStatus(after: String? = nil) {
        var words = [Int64](repeating: 0, count: 4)
        let s = words.withUnsafeMutableBytes { driver.cuMemcpyDtoH($0.baseAddress, statusAddress, 32) }
        driver.require(s, "cuMemcpyDtoH_v2 (status word)")
        let found = after.map { ", reported right after \($0)" } ?? ""
        switch words[0] {
        case 0:
            return
        case 2:
            fatalError("gather: index \(words[1]) is out of bounds for dimension with size \(words[2]) "
                       + "(on cuda:\(info.index)\(found))")
        case 1:
            let kernel = CUDAKernel(rawValue: Int(words[1]))?.symbol ?? "#\(words[1])"
            fatalError("CUDA kernel \(kernel) received a malformed argument block (\(words[2]) bytes expected): "
                       + "the host and kernel sources disagree")
        default:
            fatalError("a CUDA kernel reported problem \(words[0]) (\(words[1]), \(words[2]))\(found)")
        }
    }
}
