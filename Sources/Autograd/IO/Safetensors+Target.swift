#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a checkpoint may be written, checked before a run starts and again just before the write.
///
/// A save only ever writes a regular file: a path that is a device, FIFO, socket or folder is
/// refused (renaming over `/dev/null` as root would replace the device node). Symbolic links are
/// followed, so the link stays and the file it points to is replaced; the folder that will hold the
/// file must exist and be writable. An existing file's permission bits are kept by the new one.
extension Safetensors {
    /// The file a save to a path lands in.
    public struct SaveTarget: Sendable, Equatable {
        /// The path as given.
        public var path: String
        /// The path after following symbolic links (the file that is replaced or created).
        public var resolved: String
        /// The permission bits of the file there now; nil when there is none.
        public var existingMode: UInt32?

        public var exists: Bool { existingMode != nil }
    }

    /// Follows `path`'s symbolic links and checks that a regular file can be written there.
    public static func saveTarget(_ path: String) throws(SafetensorsError) -> SaveTarget {
        func fail(_ problem: SafetensorsError.Problem) -> SafetensorsError { SafetensorsError(file: path, problem) }
        guard !path.isEmpty else { throw fail(.badSavePath(.emptyName)) }
        var current = path
        // The kernel's own limit on links followed in one lookup.
        for _ in 0..<40 {
            guard !split(current).base.isEmpty else { throw fail(.badSavePath(.isAFolder)) }
            var info = stat()
            if lstat(current, &info) != 0 {
                let code = errno
                guard code == ENOENT else {
                    throw fail(code == ELOOP ? .badSavePath(.symlinkLoop) : .system(operation: "look up the path", reason: reason(code)))
                }
                try checkFolder(of: current, path: path)
                return SaveTarget(path: path, resolved: current, existingMode: nil)
            }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                current = try followLink(current, path: path)
            case S_IFREG:
                try checkFolder(of: current, path: path)
                return SaveTarget(path: path, resolved: current, existingMode: UInt32(info.st_mode & 0o7777))
            case S_IFDIR:
                throw fail(.badSavePath(.isAFolder))
            default:
                throw fail(.badSavePath(.notARegularFile(kind: kind(of: info.st_mode))))
            }
        }
        throw fail(.badSavePath(.symlinkLoop))
    }

    /// Where an interrupted run puts its weights when `path` already holds a checkpoint:
    /// `NAME.interrupted.safetensors` beside it (NAME is the file name without .safetensors).
    public static func interruptedPath(for path: String) -> String {
        let suffix = ".safetensors"
        let stem = path.hasSuffix(suffix) && path.count > suffix.count ? String(path.dropLast(suffix.count)) : path
        return stem + ".interrupted" + suffix
    }

    private static func followLink(_ link: String, path: String) throws(SafetensorsError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(link, &buffer, buffer.count - 1)
        guard n >= 0 else { throw SafetensorsError(file: path, .system(operation: "read the symbolic link", reason: reason(errno))) }
        let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if target.hasPrefix("/") { return target }
        let folder = split(link).folder
        return folder == "/" ? "/" + target : folder + "/" + target
    }

    /// The folder that will hold `file` exists, is a folder, and can take a new file.
    private static func checkFolder(of file: String, path: String) throws(SafetensorsError) {
        let folder = split(file).folder
        var info = stat()
        guard stat(folder, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw SafetensorsError(file: path, .badSavePath(.folderMissing(folder))) }
            throw SafetensorsError(file: path, .badSavePath(.folderNotWritable(folder, reason: reason(code))))
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw SafetensorsError(file: path, .badSavePath(.folderMissing(folder))) }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw SafetensorsError(file: path, .badSavePath(.folderNotWritable(folder, reason: reason(errno))))
        }
    }

    /// The folder and file name of `path` ("." when it has no folder).
    static func split(_ path: String) -> (folder: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }

    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFDIR: return "a folder"
        default: return "not a regular file"
        }
    }

    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
