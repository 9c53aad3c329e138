#if canImport(Glibc)
import Glibc
#endif

/// A shared library opened at run time with dlopen, so the binary has no link-time dependency
/// on CUDA. The handle is kept as a bit pattern (raw pointers are not Sendable) and the library
/// is never closed: the function pointers taken from it live as long as the process.
struct DynamicLibrary: Sendable {
    /// What was asked of dlopen: a full path, or a bare name for the system loader.
    let path: String
    private let handle: UInt

    /// Opens `path`; on failure, dlerror's message. `global` makes its symbols visible to the
    /// libraries it loads in turn (Open MPI's plugins need libmpi's).
    static func open(_ path: String, global: Bool = false) -> Result<DynamicLibrary, OpenFailure> {
        _ = dlerror()
        guard let h = dlopen(path, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL)) else {
            let reason = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            return .failure(OpenFailure(path: path, reason: reason))
        }
        return .success(DynamicLibrary(path: path, handle: UInt(bitPattern: h)))
    }

    /// Opens a helper library (libnvrtc-builtins, libcublasLt) with RTLD_GLOBAL so that the
    /// main library's own dlopen by soname finds it already loaded, wherever it sits.
    static func preload(_ path: String) {
        _ = dlopen(path, RTLD_NOW | RTLD_GLOBAL)
    }

    /// The address of `name`, cast to the C function type `T`.
    func symbol<T>(_ name: String, as type: T.Type = T.self) throws(DeviceError) -> T {
        guard let raw = dlsym(UnsafeMutableRawPointer(bitPattern: handle), name) else {
            throw DeviceError("\(path) has no symbol \(name): it is not the library blitz-tui expects (or too old)")
        }
        return unsafeBitCast(raw, to: T.self)
    }

    /// An optional symbol (present only in newer versions).
    func optionalSymbol<T>(_ name: String, as type: T.Type = T.self) -> T? {
        guard let raw = dlsym(UnsafeMutableRawPointer(bitPattern: handle), name) else { return nil }
        return unsafeBitCast(raw, to: T.self)
    }

    /// The file the system loader actually opened (for a bare name): dladdr of `symbol`.
    func resolvedPath(symbol: String) -> String {
        guard path.first != "/", let address = dlsym(UnsafeMutableRawPointer(bitPattern: handle), symbol),
              let dladdr = DynamicLibrary.dladdr else { return path }
        var info = DlInfo()
        guard dladdr(address, &info) != 0, let name = info.fileName else { return path }
        return String(cString: name)
    }

    /// glibc's Dl_info, which Swift's Glibc module does not import (it sits behind _GNU_SOURCE).
    private struct DlInfo {
        var fileName: UnsafePointer<CChar>? = nil
        var fileBase: UnsafeMutableRawPointer? = nil
        var symbolName: UnsafePointer<CChar>? = nil
        var symbolAddress: UnsafeMutableRawPointer? = nil
    }

    /// dladdr, looked up in the process's global scope for the same reason.
    private static let dladdr: (@convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?) -> Int32)? = {
        guard let raw = dlsym(dlopen(nil, RTLD_NOW), "dladdr") else { return nil }
        return unsafeBitCast(raw, to: (@convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?) -> Int32).self)
    }()

    struct OpenFailure: Error, Sendable {
        let path: String
        let reason: String
    }
}
