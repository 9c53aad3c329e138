/// The NVRTC functions blitz-tui uses, taken from libnvrtc with dlsym. An nvrtcProgram is an
/// opaque pointer; every call returns an nvrtcResult (0 is NVRTC_SUCCESS).
struct NVRTCAPI: Sendable {
    typealias Result = Int32
    typealias Program = OpaquePointer

    let nvrtcVersion: @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Result
    let nvrtcGetErrorString: @convention(c) (Result) -> UnsafePointer<CChar>?
    let nvrtcCreateProgram: @convention(c) (UnsafeMutablePointer<Program?>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32,
                                            UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?) -> Result
    let nvrtcDestroyProgram: @convention(c) (UnsafeMutablePointer<Program?>?) -> Result
    let nvrtcCompileProgram: @convention(c) (Program?, Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> Result
    let nvrtcGetProgramLogSize: @convention(c) (Program?, UnsafeMutablePointer<Int>?) -> Result
    let nvrtcGetProgramLog: @convention(c) (Program?, UnsafeMutablePointer<CChar>?) -> Result
    let nvrtcGetPTXSize: @convention(c) (Program?, UnsafeMutablePointer<Int>?) -> Result
    let nvrtcGetPTX: @convention(c) (Program?, UnsafeMutablePointer<CChar>?) -> Result
    /// Present since CUDA 11.1; without them, only PTX.
    let nvrtcGetCUBINSize: (@convention(c) (Program?, UnsafeMutablePointer<Int>?) -> Result)?
    let nvrtcGetCUBIN: (@convention(c) (Program?, UnsafeMutablePointer<CChar>?) -> Result)?
    /// Present since CUDA 11.2.
    let nvrtcGetNumSupportedArchs: (@convention(c) (UnsafeMutablePointer<Int32>?) -> Result)?
    let nvrtcGetSupportedArchs: (@convention(c) (UnsafeMutablePointer<Int32>?) -> Result)?

    init(_ lib: DynamicLibrary) throws(DeviceError) {
        nvrtcVersion = try lib.symbol("nvrtcVersion")
        nvrtcGetErrorString = try lib.symbol("nvrtcGetErrorString")
        nvrtcCreateProgram = try lib.symbol("nvrtcCreateProgram")
        nvrtcDestroyProgram = try lib.symbol("nvrtcDestroyProgram")
        nvrtcCompileProgram = try lib.symbol("nvrtcCompileProgram")
        nvrtcGetProgramLogSize = try lib.symbol("nvrtcGetProgramLogSize")
        nvrtcGetProgramLog = try lib.symbol("nvrtcGetProgramLog")
        nvrtcGetPTXSize = try lib.symbol("nvrtcGetPTXSize")
        nvrtcGetPTX = try lib.symbol("nvrtcGetPTX")
        nvrtcGetCUBINSize = lib.optionalSymbol("nvrtcGetCUBINSize")
        nvrtcGetCUBIN = lib.optionalSymbol("nvrtcGetCUBIN")
        nvrtcGetNumSupportedArchs = lib.optionalSymbol("nvrtcGetNumSupportedArchs")
        nvrtcGetSupportedArchs = lib.optionalSymbol("nvrtcGetSupportedArchs")
    }

    /// `NVRTC_ERROR_COMPILATION` for a status code.
    func describe(_ status: Result) -> String {
        nvrtcGetErrorString(status).map { String(cString: $0) } ?? "NVRTC error \(status)"
    }

    func check(_ status: Result, _ call: @autoclosure () -> String) throws(DeviceError) {
        if status != 0 { throw DeviceError("\(call()) failed with \(describe(status))") }
    }
}
