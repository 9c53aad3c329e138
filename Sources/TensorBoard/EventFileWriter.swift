#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// An event file as TensorBoard finds and reads it: `events.out.tfevents.<10-digit unix
/// time>.<host>.<pid>.<n>` in the log folder (the name `torch.utils.tensorboard.SummaryWriter`
/// gives), whose first record is the file-version event, then one TFRecord per event.
///
/// Records are buffered and written whole, with one write(2) per flush, at least every
/// `flushInterval` seconds (a timer) and on close, so a process killed at any moment leaves a
/// file of whole records. When a file passes `maxFileBytes` the writer rotates: it closes it and
/// starts a new one whose timestamp is later, because TensorBoard reads a folder's event files
/// in name order and, once it has moved on to a newer file, never returns to an older one.
public final class EventFileWriter: Sendable {
    private struct State {
        var fd: Int32 = -1
        var path = ""
        var timestamp = 0
        var written = 0
        var pending: [UInt8] = []
        var closed = false
        var failure: TensorBoardError?
        var files: [String] = []
    }

    public let folder: String
    public let flushInterval: Double
    public let maxFileBytes: Int
    private let state = Mutex(State())
    /// The flush timer (a Mutex makes the non-Sendable source safe to keep in a Sendable class).
    private let timer: Mutex<DispatchSourceTimer?>
    private static let fileCounter = Atomic<Int>(0)

    /// Creates the folder (and its parents) and the first event file, with its version record
    /// already on disk.
    public init(folder: String, flushInterval: Double = 2, maxFileBytes: Int = 256 << 20) throws(TensorBoardError) {
        self.folder = folder
        self.flushInterval = flushInterval
        self.maxFileBytes = maxFileBytes
        try Self.makeFolders(folder)
        timer = Mutex(DispatchSource.makeTimerSource(queue: DispatchQueue(label: "blitz-tui.tensorboard")))
        try state.withLock { s throws(TensorBoardError) in try openNextFile(&s) }
        let interval = DispatchTimeInterval.milliseconds(Int(flushInterval * 1000))
        timer.withLock { source in
            source?.schedule(deadline: .now() + interval, repeating: interval)
            source?.setEventHandler { [weak self] in self?.flush() }
            source?.resume()
        }
    }

    deinit {
        close()
    }

    /// The event files written so far, oldest first.
    public var files: [String] { state.withLock { $0.files } }

    /// The first write error, if any (writing stops after it; training goes on).
    public var failure: TensorBoardError? { state.withLock { $0.failure } }

    /// Queues one event (written by the next flush).
    public func add(_ event: Event) {
        let record = TFRecord.framed(event.encoded())
        state.withLock { s in
            guard !s.closed, s.failure == nil else { return }
            s.pending += record
            if s.pending.count >= 1 << 20 { write(&s) }
        }
    }

    /// Writes what is queued.
    public func flush() {
        state.withLock { write(&$0) }
    }

    /// Flushes and closes the file; later events are dropped.
    public func close() {
        timer.withLock { t in
            t?.cancel()
            t = nil
        }
        state.withLock { s in
            guard !s.closed else { return }
            write(&s)
            if s.fd >= 0 { Glibc.close(s.fd) }
            s.fd = -1
            s.closed = true
        }
    }

    // MARK: files

    private func write(_ s: inout State) {
        guard !s.pending.isEmpty, s.fd >= 0, s.failure == nil else { return }
        if s.written > 0 && s.written + s.pending.count > maxFileBytes {
            Glibc.close(s.fd)
            s.fd = -1
            do throws(TensorBoardError) {
                try openNextFile(&s)
            } catch {
                s.failure = error
                return
            }
        }
        let bytes = s.pending
        s.pending.removeAll(keepingCapacity: true)
        do throws(TensorBoardError) {
            try writeAll(s.fd, bytes, path: s.path)
            s.written += bytes.count
        } catch {
            s.failure = error
        }
    }

    private func openNextFile(_ s: inout State) throws(TensorBoardError) {
        let now = Int(time(nil))
        // A rotated file must sort after the one before it, even within the same second.
        let timestamp = max(now, s.timestamp + (s.files.isEmpty ? 0 : 1))
        let name = "events.out.tfevents.\(Self.tenDigits(timestamp)).\(Self.hostName()).\(getpid())."
            + "\(Self.fileCounter.add(1, ordering: .relaxed).oldValue)"
        let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotCreateFile(path: path, reason: String(cString: strerror(errno))) }
        let version = TFRecord.framed(Event(wallTime: Self.wallTime(), step: 0, what: .fileVersion(Event.fileVersion)).encoded())
        try writeAll(fd, version, path: path)
        s.fd = fd
        s.path = path
        s.timestamp = timestamp
        s.written = version.count
        s.files.append(path)
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(TensorBoardError) {
        var failure: TensorBoardError?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = .writeFailed(path: path, reason: String(cString: strerror(errno)))
                    return
                }
                offset += n
            }
        }
        if let failure { throw failure }
    }

    // MARK: helpers

    /// Seconds since the epoch, with microseconds (an Event's wall_time).
    public static func wallTime() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func tenDigits(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(cString: buffer)
        return name.isEmpty ? "localhost" : name
    }

    /// `mkdir -p`.
    static func makeFolders(_ path: String) throws(TensorBoardError) {
        var current = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            current += (current.isEmpty || current.hasSuffix("/") ? "" : "/") + part
            var info = stat()
            if stat(current, &info) == 0 {
                if info.st_mode & S_IFMT != S_IFDIR {
                    throw .cannotCreateFolder(path: path, reason: "\(current) is not a folder")
                }
                continue
            }
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw .cannotCreateFolder(path: path, reason: String(cString: strerror(errno)))
            }
        }
    }
}
