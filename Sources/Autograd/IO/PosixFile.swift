#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over POSIX file calls that retry interrupted calls and finish short reads and
/// writes, reporting failures as the system's message. Used by the checkpoint reader and writer.
struct PosixFile {
    let fd: Int32

    /// Why a call failed: the operation and strerror(errno).
    struct Failure: Error {
        let operation: String
        let reason: String

        init(_ operation: String, errno code: Int32 = errno) {
            self.operation = operation
            self.reason = String(cString: strerror(code))
        }

        init(_ operation: String, reason: String) {
            self.operation = operation
            self.reason = reason
        }
    }

    /// Opens for reading without blocking, so a FIFO named by mistake fails the regular-file
    /// check instead of hanging (for regular files O_NONBLOCK changes nothing).
    static func openForReading(_ path: String) throws(Failure) -> PosixFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw Failure("open for reading") }
        return PosixFile(fd: fd)
    }

    /// Creates a new file that must not exist yet, with the permissions the umask leaves of rw-rw-rw-.
    static func createExclusive(_ path: String) throws(Failure) -> PosixFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw Failure("create a temporary file") }
        return PosixFile(fd: fd)
    }

    /// Sets the permission bits (those of the file this one replaces).
    func setMode(_ mode: UInt32) throws(Failure) {
        guard fchmod(fd, mode_t(mode)) == 0 else { throw Failure("set the permissions") }
    }

    func close() {
        _ = Glibc.close(fd)
    }

    /// Size in bytes, and whether it is a regular file.
    func status() throws(Failure) -> (size: Int, isRegular: Bool) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure("stat") }
        return (Int(info.st_size), (info.st_mode & S_IFMT) == S_IFREG)
    }

    /// Reads exactly `buffer.count` bytes from `offset`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(Failure) {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure("read")
            }
            if n == 0 { throw Failure("read", reason: "the file ended early (it changed while being read?)") }
            done += n
        }
    }

    /// Reads exactly `count` bytes from `offset` into a new array.
    func readBytes(count: Int, at offset: Int) throws(Failure) -> [UInt8] {
        guard count > 0 else { return [] }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        defer { buffer.deallocate() }
        try read(into: buffer, at: offset)
        return [UInt8](buffer)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure("write")
            }
            done += n
        }
    }

    func sync() throws(Failure) {
        guard fsync(fd) == 0 else { throw Failure("fsync") }
    }
}
