/// The CUDA driver API functions blitz-tui uses, taken from libcuda.so.1 with dlsym.
///
/// cuda.h renames several functions with #define (cuMemAlloc → cuMemAlloc_v2, ...): the names
/// below are the real exported symbols. Handles (CUcontext, CUmodule, CUfunction, CUstream) are
/// opaque pointers; a device address (CUdeviceptr) is a 64-bit integer. Every call returns a
/// CUresult, checked by `CUDADriverAPI.check`.
struct CUDADriverAPI: Sendable {
    typealias Result = Int32
    typealias DevicePointer = UInt64

    let cuInit: @convention(c) (UInt32) -> Result
    let cuDriverGetVersion: @convention(c) (UnsafeMutablePointer<Int32>?) -> Result
    let cuDeviceGetCount: @convention(c) (UnsafeMutablePointer<Int32>?) -> Result
    let cuDeviceGet: @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Result
    let cuDeviceGetName: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32) -> Result
    let cuDeviceTotalMem: @convention(c) (UnsafeMutablePointer<Int>?, Int32) -> Result
    let cuDeviceGetAttribute: @convention(c) (UnsafeMutablePointer<Int32>?, Int32, Int32) -> Result
    let cuDevicePrimaryCtxRetain: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?, Int32) -> Result
    let cuCtxSetCurrent: @convention(c) (OpaquePointer?) -> Result
    let cuCtxSynchronize: @convention(c) () -> Result
    let cuModuleLoadData: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?, UnsafeRawPointer?) -> Result
    let cuModuleGetFunction: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?, OpaquePointer?, UnsafePointer<CChar>?) -> Result
    let cuLaunchKernel: @convention(c) (OpaquePointer?, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
                                        OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                                        UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Result
    let cuMemAlloc: @convention(c) (UnsafeMutablePointer<DevicePointer>?, Int) -> Result
    let cuMemFree: @convention(c) (DevicePointer) -> Result
    let cuMemcpyHtoD: @convention(c) (DevicePointer, UnsafeRawPointer?, Int) -> Result
    let cuMemcpyDtoH: @convention(c) (UnsafeMutableRawPointer?, DevicePointer, Int) -> Result
    let cuMemcpyDtoD: @convention(c) (DevicePointer, DevicePointer, Int) -> Result
    let cuMemsetD8: @convention(c) (DevicePointer, UInt8, Int) -> Result
    let cuMemGetInfo: @convention(c) (UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?) -> Result
    let cuGetErrorName: @convention(c) (Result, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Result
    let cuGetErrorString: @convention(c) (Result, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Result

    // CUdevice_attribute values from cuda.h.
    static let attributeMultiprocessorCount: Int32 = 16
    static let attributePCIBusID: Int32 = 33
    static let attributeComputeCapabilityMajor: Int32 = 75
    static let attributeComputeCapabilityMinor: Int32 = 76

    static let success: Result = 0
    static let errorOutOfMemory: Result = 2

    /// Statuses a kernel leaves behind when it fails on the GPU (an illegal address, a trap, a
    /// timeout...). The launch itself returned success; CUDA reports the failure at the next call
    /// that waits for the GPU, whatever that call is, and every call after it fails the same way.
    static let kernelFailures: Set<Result> = [700, 702, 710, 714, 715, 716, 717, 718, 719]

    init(_ lib: DynamicLibrary) throws(DeviceError) {
        cuInit = try lib.symbol("cuInit")
        cuDriverGetVersion = try lib.symbol("cuDriverGetVersion")
        cuDeviceGetCount = try lib.symbol("cuDeviceGetCount")
        cuDeviceGet = try lib.symbol("cuDeviceGet")
        cuDeviceGetName = try lib.symbol("cuDeviceGetName")
        cuDeviceTotalMem = try lib.symbol("cuDeviceTotalMem_v2")
        cuDeviceGetAttribute = try lib.symbol("cuDeviceGetAttribute")
        cuDevicePrimaryCtxRetain = try lib.symbol("cuDevicePrimaryCtxRetain")
        cuCtxSetCurrent = try lib.symbol("cuCtxSetCurrent")
        cuCtxSynchronize = try lib.symbol("cuCtxSynchronize")
        cuModuleLoadData = try lib.symbol("cuModuleLoadData")
        cuModuleGetFunction = try lib.symbol("cuModuleGetFunction")
        cuLaunchKernel = try lib.symbol("cuLaunchKernel")
        cuMemAlloc = try lib.symbol("cuMemAlloc_v2")
        cuMemFree = try lib.symbol("cuMemFree_v2")
        cuMemcpyHtoD = try lib.symbol("cuMemcpyHtoD_v2")
        cuMemcpyDtoH = try lib.symbol("cuMemcpyDtoH_v2")
        cuMemcpyDtoD = try lib.symbol("cuMemcpyDtoD_v2")
        cuMemsetD8 = try lib.symbol("cuMemsetD8_v2", as: type(of: cuMemsetD8))
        cuMemGetInfo = try lib.symbol("cuMemGetInfo_v2")
        cuGetErrorName = try lib.symbol("cuGetErrorName")
        cuGetErrorString = try lib.symbol("cuGetErrorString")
    }

    /// `CUDA_ERROR_OUT_OF_MEMORY (out of memory)` for a status code.
    func describe(_ status: Result) -> String {
        var name: UnsafePointer<CChar>?
        var text: UnsafePointer<CChar>?
        _ = cuGetErrorName(status, &name)
        _ = cuGetErrorString(status, &text)
        let n = name.map { String(cString: $0) } ?? "CUDA error \(status)"
        let t = text.map { String(cString: $0) }
        return t.map { "\(n) (\($0))" } ?? n
    }

    /// The message for a failed call: which call, which status, and for a kernel's failure
    /// that the call only reports, how to find the kernel. `afterLaunch`: the call was the
    /// synchronisation right after a launch (BLITZ_CUDA_LAUNCH_BLOCKING=1), which names it.
    func failure(_ call: String, _ status: Result, afterLaunch: Bool = false) -> String {
        let text = "\(call) failed with \(describe(status))"
        guard CUDADriverAPI.kernelFailures.contains(status), !afterLaunch else { return text }
        return text + ": a kernel queued earlier failed on the GPU and CUDA reports it here, at the next call that "
            + "waits, so \(call) is not the cause; run with \(CUDABackend.launchBlockingVariable)=1 to stop at the "
            + "launch that failed (docs/gpu.md)"
    }

    /// Throws a DeviceError naming the call when `status` is not CUDA_SUCCESS (setup paths).
    func check(_ status: Result, _ call: @autoclosure () -> String) throws(DeviceError) {
        if status != CUDADriverAPI.success { throw DeviceError(failure(call(), status)) }
    }

    /// Stops with the call and status when an op's driver call fails: ops cannot throw. A
    /// fatalError, not a precondition, so -Ounchecked release builds keep it.
    func require(_ status: Result, _ call: @autoclosure () -> String, afterLaunch: Bool = false) {
        if status != CUDADriverAPI.success {
            fatalError(failure(call(), status, afterLaunch: afterLaunch))
        }
    }
}
