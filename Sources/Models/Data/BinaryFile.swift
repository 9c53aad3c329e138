#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Autograd

/// Reading data files with POSIX calls (no Foundation), bounded by what the file proves.
///
/// A file is opened without blocking (a FIFO or a device named like a data file must not hang
/// the program) and checked with fstat before a byte is read: it must be a regular file, its
/// size must be what its header promises (the caller checks that from the first bytes), and it
/// must fit in memory. Only then is it read whole. Lookups tell "missing" apart from "cannot be
/// looked at" (a folder without permission, a symbolic link loop), which are reported as such.
enum BinaryFile {
    /// An open regular file and its size.
    struct Handle {
        let fd: Int32
        let path: String
        let size: Int

        /// `count` bytes from `offset` (fewer only if the file shrank meanwhile).
        func read(count: Int, at offset: Int) throws(DatasetError) -> [UInt8] {
            guard count > 0 else { return [] }
            guard count <= MemorySize.available else {
                throw .tooLarge(path: path, bytes: count, available: MemorySize.available)
            }
            var bytes = [UInt8](repeating: 0, count: count)
            var done = 0
            var failure: Int32 = 0
            bytes.withUnsafeMutableBytes { buffer in
                while done < count {
                    let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        return
                    }
                    if n == 0 { break }
                    done += n
                }
            }
            if failure != 0 { throw .unreadable(path: path, reason: BinaryFile.reason(failure)) }
            if done < count { bytes.removeLast(count - done) }
            return bytes
        }

        /// The whole file.
        func readAll() throws(DatasetError) -> [UInt8] {
            try read(count: size, at: 0)
        }

        func close() {
            _ = Glibc.close(fd)
        }
    }

    /// Opens `path` for reading without blocking and checks that it is a regular file.
    static func open(_ path: String) throws(DatasetError) -> Handle {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { throw .missingFile(path) }
            throw .unreadable(path: path, reason: reason(code))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw .unreadable(path: path, reason: reason(code))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            _ = Glibc.close(fd)
            throw .unreadable(path: path, reason: "not a regular file (\(kind(of: info.st_mode)))")
        }
        return Handle(fd: fd, path: path, size: Int(info.st_size))
    }

    /// Every byte of the file at `path` (after the checks of `open`).
    static func read(_ path: String) throws(DatasetError) -> [UInt8] {
        let file = try open(path)
        defer { file.close() }
        return try file.readAll()
    }

    /// Whether something is at `path`: false when it does not exist; an error when it cannot be
    /// looked up (no permission on a folder on the way, a symbolic link loop).
    static func exists(_ path: String) throws(DatasetError) -> Bool {
        var info = stat()
        if stat(path, &info) == 0 { return true }
        let code = errno
        if code == ENOENT || code == ENOTDIR { return false }
        throw .unreadable(path: path, reason: reason(code))
    }

    /// Checks that `path` is an existing folder whose files can be looked up.
    static func checkFolder(_ path: String) throws(DatasetError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missingFolder(path) }
            throw .unreadable(path: path, reason: reason(code))
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .notAFolder(path) }
        guard access(path, X_OK) == 0 else { throw .unreadable(path: path, reason: reason(errno)) }
    }

    static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// `folder/name`, without doubling a trailing slash.
    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    static func reason(_ code: Int32) -> String {
        code == ELOOP ? "its symbolic links loop (\(String(cString: strerror(code))))" : String(cString: strerror(code))
    }

    private static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFDIR: return "a folder"
        default: return "not a regular file"
        }
    }
}
