#if canImport(Glibc)
import Glibc
#endif

/// NVRTC, loaded at run time: compiles the CUDA C kernel sources to a CUBIN for the device's
/// own architecture when this NVRTC knows it, otherwise to PTX for the newest architecture it
/// knows that the device can run (the driver then finishes the job).

/// What NVRTC is asked to produce.
public enum CUDACompileTarget: Sendable, Equatable, CustomStringConvertible {
    /// Machine code for exactly `sm_XY` (architecture 10·X + Y).
    case cubin(architecture: Int)
    /// Portable assembly for `compute_XY`, which the driver compiles when it loads it.
    case ptx(architecture: Int)

    public var architecture: Int {
        switch self {
        case .cubin(let a), .ptx(let a): return a
        }
    }

    /// The --gpu-architecture option.
    var option: String {
        switch self {
        case .cubin(let a): return "--gpu-architecture=sm_\(a)"
        case .ptx(let a): return "--gpu-architecture=compute_\(a)"
        }
    }

    public var description: String {
        switch self {
        case .cubin(let a): return "cubin sm_\(a)"
        case .ptx(let a): return "ptx compute_\(a)"
        }
    }
}

/// A compiled module: CUBIN or NUL-terminated PTX text, ready for cuModuleLoadData.
public struct CUDAKernelImage: Sendable {
    public let target: CUDACompileTarget
    public let bytes: [UInt8]

    /// The PTX text (for PTX images).
    public var text: String { String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) }
}

public final class CUDAKernelCompiler: Sendable {
    let api: NVRTCAPI
    /// The libnvrtc file in use.
    public let path: String
    public let majorVersion: Int
    public let minorVersion: Int
    /// Architectures this NVRTC can produce code for (10·major + minor), ascending.
    public let supportedArchitectures: [Int]

    public var version: String { "\(majorVersion).\(minorVersion)" }

    init(_ lookup: CUDALibraryLookup) throws(DeviceError) {
        guard let lib = lookup.library else { throw DeviceError(lookup.description) }
        api = try NVRTCAPI(lib)
        path = lookup.path ?? lib.path
        var major: Int32 = 0, minor: Int32 = 0
        try api.check(api.nvrtcVersion(&major, &minor), "nvrtcVersion")
        majorVersion = Int(major)
        minorVersion = Int(minor)
        var archs: [Int] = []
        if let count = api.nvrtcGetNumSupportedArchs, let list = api.nvrtcGetSupportedArchs {
            var n: Int32 = 0
            if count(&n) == 0, n > 0 {
                var values = [Int32](repeating: 0, count: Int(n))
                if list(&values) == 0 { archs = values.map(Int.init).sorted() }
            }
        }
        supportedArchitectures = archs
    }

    /// Loads NVRTC alone (no driver needed): what the compile-only tests use.
    public static func load(search: CUDASearch) throws(DeviceError) -> CUDAKernelCompiler {
        try CUDAKernelCompiler(CUDALibraryLookup.find(.nvrtc, in: search))
    }

    /// The best target for a device of compute capability `architecture` (e.g. 86).
    public func target(for architecture: Int, preferCubin: Bool = true) -> CUDACompileTarget {
        if supportedArchitectures.isEmpty { return .ptx(architecture: architecture) }
        if preferCubin && api.nvrtcGetCUBIN != nil && supportedArchitectures.contains(architecture) {
            return .cubin(architecture: architecture)
        }
        let runnable = supportedArchitectures.filter { $0 <= architecture }
        return .ptx(architecture: runnable.last ?? architecture)
    }

    /// Compiles `source` (named `name` in messages) for `target`; the log is in the error.
    public func compile(_ source: String, name: String, target: CUDACompileTarget) throws(DeviceError) -> CUDAKernelImage {
        var program: NVRTCAPI.Program?
        try api.check(api.nvrtcCreateProgram(&program, source, name, 0, nil, nil), "nvrtcCreateProgram(\(name))")
        defer { _ = api.nvrtcDestroyProgram(&program) }
        let options = [target.option, "--fmad=true"]
        let status = withCStrings(options) { api.nvrtcCompileProgram(program, Int32(options.count), $0) }
        if status != 0 {
            throw DeviceError("nvrtcCompileProgram(\(name), \(target)) failed with \(api.describe(status)) using \(path):\n\(log(program))")
        }
        let bytes: [UInt8]
        switch target {
        case .cubin:
            guard let size = api.nvrtcGetCUBINSize, let get = api.nvrtcGetCUBIN else {
                throw DeviceError("\(path) cannot produce CUBIN (NVRTC older than 11.1)")
            }
            bytes = try read(program, size, get, "nvrtcGetCUBIN(\(name))")
        case .ptx:
            bytes = try read(program, api.nvrtcGetPTXSize, api.nvrtcGetPTX, "nvrtcGetPTX(\(name))")
        }
        return CUDAKernelImage(target: target, bytes: bytes)
    }

    private func read(_ program: NVRTCAPI.Program?,
                      _ size: @convention(c) (NVRTCAPI.Program?, UnsafeMutablePointer<Int>?) -> NVRTCAPI.Result,
                      _ get: @convention(c) (NVRTCAPI.Program?, UnsafeMutablePointer<CChar>?) -> NVRTCAPI.Result,
                      _ call: String) throws(DeviceError) -> [UInt8] {
        var n = 0
        try api.check(size(program, &n), call + " size")
        var buffer = [UInt8](repeating: 0, count: n)
        let status = buffer.withUnsafeMutableBytes { get(program, $0.baseAddress?.assumingMemoryBound(to: CChar.self)) }
        try api.check(status, call)
        return buffer
    }

    private func log(_ program: NVRTCAPI.Program?) -> String {
        var n = 0
        guard api.nvrtcGetProgramLogSize(program, &n) == 0, n > 1 else { return "(no log)" }
        var buffer = [CChar](repeating: 0, count: n)
        guard api.nvrtcGetProgramLog(program, &buffer) == 0 else { return "(no log)" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Calls `body` with a C array of C strings that live for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer<CChar>($0) }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}

