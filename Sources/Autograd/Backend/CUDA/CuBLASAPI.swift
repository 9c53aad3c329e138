/// The cuBLAS functions blitz-tui uses (GEMM only), taken from libcublas with dlsym. The `_v2`
/// names are the real exported symbols behind cublas_v2.h's macros. A handle is an opaque
/// pointer; every call returns a cublasStatus_t (0 is CUBLAS_STATUS_SUCCESS).
struct CuBLASAPI: Sendable {
    typealias Status = Int32
    typealias Handle = OpaquePointer
    typealias Sgemm = @convention(c) (Handle?, Int32, Int32, Int32, Int32, Int32, UnsafePointer<Float>?,
                                      UnsafeRawPointer?, Int32, UnsafeRawPointer?, Int32, UnsafePointer<Float>?,
                                      UnsafeMutableRawPointer?, Int32) -> Status
    typealias Dgemm = @convention(c) (Handle?, Int32, Int32, Int32, Int32, Int32, UnsafePointer<Double>?,
                                      UnsafeRawPointer?, Int32, UnsafeRawPointer?, Int32, UnsafePointer<Double>?,
                                      UnsafeMutableRawPointer?, Int32) -> Status
    typealias SgemmStridedBatched = @convention(c) (Handle?, Int32, Int32, Int32, Int32, Int32, UnsafePointer<Float>?,
                                                    UnsafeRawPointer?, Int32, Int64, UnsafeRawPointer?, Int32, Int64,
                                                    UnsafePointer<Float>?, UnsafeMutableRawPointer?, Int32, Int64, Int32) -> Status
    typealias DgemmStridedBatched = @convention(c) (Handle?, Int32, Int32, Int32, Int32, Int32, UnsafePointer<Double>?,
                                                    UnsafeRawPointer?, Int32, Int64, UnsafeRawPointer?, Int32, Int64,
                                                    UnsafePointer<Double>?, UnsafeMutableRawPointer?, Int32, Int64, Int32) -> Status

    let cublasCreate: @convention(c) (UnsafeMutablePointer<Handle?>?) -> Status
    let cublasGetVersion: @convention(c) (Handle?, UnsafeMutablePointer<Int32>?) -> Status
    let cublasSgemm: Sgemm
    let cublasDgemm: Dgemm
    let cublasSgemmStridedBatched: SgemmStridedBatched
    let cublasDgemmStridedBatched: DgemmStridedBatched
    /// Present since CUDA 11.4.
    let cublasGetStatusString: (@convention(c) (Status) -> UnsafePointer<CChar>?)?

    // cublasOperation_t.
    static let opN: Int32 = 0
    static let opT: Int32 = 1

    init(_ lib: DynamicLibrary) throws(DeviceError) {
        cublasCreate = try lib.symbol("cublasCreate_v2")
        cublasGetVersion = try lib.symbol("cublasGetVersion_v2")
        cublasSgemm = try lib.symbol("cublasSgemm_v2")
        cublasDgemm = try lib.symbol("cublasDgemm_v2")
        cublasSgemmStridedBatched = try lib.symbol("cublasSgemmStridedBatched")
        cublasDgemmStridedBatched = try lib.symbol("cublasDgemmStridedBatched")
        cublasGetStatusString = lib.optionalSymbol("cublasGetStatusString")
    }

    /// `CUBLAS_STATUS_NOT_INITIALIZED` for a status code.
    func describe(_ status: Status) -> String {
        if let text = cublasGetStatusString?(status) { return String(cString: text) }
        let names: [Status: String] = [
            1: "CUBLAS_STATUS_NOT_INITIALIZED", 3: "CUBLAS_STATUS_ALLOC_FAILED", 7: "CUBLAS_STATUS_INVALID_VALUE",
            8: "CUBLAS_STATUS_ARCH_MISMATCH", 11: "CUBLAS_STATUS_MAPPING_ERROR", 13: "CUBLAS_STATUS_EXECUTION_FAILED",
            14: "CUBLAS_STATUS_INTERNAL_ERROR", 15: "CUBLAS_STATUS_NOT_SUPPORTED", 16: "CUBLAS_STATUS_LICENSE_ERROR",
        ]
        return names[status] ?? "cuBLAS status \(status)"
    }

    func check(_ status: Status, _ call: @autoclosure () -> String) throws(DeviceError) {
        if status != 0 { throw DeviceError("\(call()) failed with \(describe(status))") }
    }

    func require(_ status: Status, _ call: @autoclosure () -> String) {
        if status != 0 { fatalError("\(call()) failed with \(describe(status))") }
    }
}
