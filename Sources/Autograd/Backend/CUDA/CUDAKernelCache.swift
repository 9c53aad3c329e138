#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Compiled kernel modules, kept in memory and on disk so NVRTC runs once per machine: a
/// module is named by the SHA-256 of its source, its target (CUBIN/PTX and architecture) and
/// the NVRTC version, so a change to any of them compiles afresh. The folder is
/// $XDG_CACHE_HOME/blitz-tui/kernels or ~/.cache/blitz-tui/kernels; when it cannot be written
/// the cache simply stays in memory.
public final class CUDAKernelCache: Sendable {
    /// Where images are stored, or nil for memory only.
    public let folder: String?
    private let memory = Mutex<[String: CUDAKernelImage]>([:])
    private let tally = Mutex(Counters())

    /// How each request was served (the tests check that the disk cache is used).
    public struct Counters: Sendable, Equatable {
        public var compiled = 0
        public var fromMemory = 0
        public var fromDisk = 0
    }

    public init(folder: String?) {
        self.folder = folder
    }

    /// The cache in the standard place for this user.
    public static func standard() -> CUDAKernelCache {
        CUDAKernelCache(folder: defaultFolder(environment: CUDASearch.environment))
    }

    public static func defaultFolder(environment: (String) -> String?) -> String? {
        if let xdg = environment("XDG_CACHE_HOME"), xdg.hasPrefix("/") { return xdg + "/blitz-tui/kernels" }
        if let home = environment("HOME"), home.hasPrefix("/") { return home + "/.cache/blitz-tui/kernels" }
        return nil
    }

    public var counters: Counters { tally.withLock { $0 } }

    /// The cache key: what the image depends on.
    static func key(source: String, target: CUDACompileTarget, compilerVersion: String) -> String {
        SHA256.hex("blitz-tui kernels\n\(target)\nnvrtc \(compilerVersion)\n\(source)")
    }

    /// The image for `source`: from memory, from disk, or compiled now (and stored in both).
    func image(source: String, name: String, target: CUDACompileTarget,
               compiler: CUDAKernelCompiler) throws(DeviceError) -> CUDAKernelImage {
        let key = CUDAKernelCache.key(source: source, target: target, compilerVersion: compiler.version)
        if let hit = memory.withLock({ $0[key] }) {
            tally.withLock { $0.fromMemory += 1 }
            return hit
        }
        let file = folder.map { "\($0)/\(key).\(extensionName(target))" }
        if let file, let bytes = CUDAKernelCache.read(file), !bytes.isEmpty {
            let image = CUDAKernelImage(target: target, bytes: bytes)
            memory.withLock { $0[key] = image }
            tally.withLock { $0.fromDisk += 1 }
            return image
        }
        let image = try compiler.compile(source, name: name, target: target)
        tally.withLock { $0.compiled += 1 }
        memory.withLock { $0[key] = image }
        if let folder, let file, CUDAKernelCache.makeFolders(folder) {
            CUDAKernelCache.writeAtomically(image.bytes, to: file)
        }
        return image
    }

    private func extensionName(_ target: CUDACompileTarget) -> String {
        switch target {
        case .cubin: return "cubin"
        case .ptx: return "ptx"
        }
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n > 0 { bytes += chunk[0..<n] }
            if n < chunk.count { break }
        }
        return ferror(f) == 0 ? bytes : nil
    }

    /// Writes beside the target and renames, so a reader never sees half a file.
    static func writeAtomically(_ bytes: [UInt8], to path: String) {
        let temporary = "\(path).\(getpid()).tmp"
        guard let f = fopen(temporary, "wb") else { return }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, bytes.count, f) }
        let closed = fclose(f) == 0
        if written == bytes.count && closed {
            rename(temporary, path)
        } else {
            unlink(temporary)
        }
    }

    /// mkdir -p; false when the folder cannot be made.
    static func makeFolders(_ path: String) -> Bool {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { return false }
        }
        return CUDASearch.isDirectory(path)
    }
}
