#if canImport(Glibc)
import Glibc
#endif

/// The few POSIX file operations the cache needs (no Foundation: it would add ~60 MB to the
/// static GPU bundle).
enum FileSystem {
    static func join(_ a: String, _ b: String) -> String {
        a.hasSuffix("/") ? a + b : a + "/" + b
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    static var lastError: String { String(cString: strerror(errno)) }

    /// `mkdir -p`.
    static func makeFolders(_ path: String) throws(DownloadError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if isFolder(current) { continue }
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw .cache(path: current, reason: "cannot create the folder: \(lastError)")
            }
        }
    }

    /// The names in a folder, sorted (nil if it cannot be read).
    static func list(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// `rm -rf` (never follows links out of the tree).
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            for name in list(path) ?? [] { removeTree(join(path, name)) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Total bytes of the regular files under `path`.
    static func treeSize(_ path: String) -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        if info.st_mode & S_IFMT == S_IFDIR {
            return (list(path) ?? []).reduce(0) { $0 + treeSize(join(path, $1)) }
        }
        return Int(info.st_size)
    }

    /// The MD5 of a file's contents, read in 1 MiB pieces.
    static func md5(_ path: String) throws(DownloadError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cache(path: path, reason: "cannot be read: \(lastError)") }
        defer { close(fd) }
        var md5 = MD5()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cache(path: path, reason: "cannot be read: \(lastError)")
            }
            if n == 0 { break }
            md5.update(chunk[0..<n])
        }
        return md5.finish()
    }

    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
