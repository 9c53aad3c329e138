#if canImport(Glibc)
import Glibc
#endif
import CDownloads

/// One file over HTTP(S) with libcurl, appended to a `.part` file so that an interrupted
/// download resumes where it stopped (an HTTP Range request; a server that ignores the range
/// answers 200 and the file starts over). Redirects are followed; a connection that does not
/// open in `connectTimeout` seconds, or that moves no byte for `stallTimeout` seconds, fails.
///
/// libcurl rather than a Swift HTTP client: it is what the C world downloads with, Debian ships
/// it, it speaks HTTP/1.1, HTTP/2, TLS, proxies (the *_proxy variables) and ranges, and it adds
/// one shared library instead of a SwiftNIO stack to every build.
struct HTTPDownload {
    /// Bytes on disk so far, bytes expected in all (when known), for the progress bar.
    typealias Progress = (_ have: Int, _ total: Int?) -> Void

    var connectTimeout = 20
    var stallTimeout = 30

    enum Outcome {
        case complete
        /// The server had nothing past what is on disk (416 for the range): the file may be whole.
        case alreadyComplete
    }

    /// What went wrong, in a person's words.
    struct Failure: Error {
        var reason: String
        /// Worth trying again at once (the connection broke off mid-way).
        var retryable: Bool
    }

    private static let globalInit: Bool = blitz_curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// The state the C callbacks reach through their context pointer.
    private final class Transfer {
        let fd: Int32
        let start: Int
        var written = 0
        var writeError: String?
        let progress: Progress
        let knownTotal: Int?

        init(fd: Int32, start: Int, knownTotal: Int?, progress: @escaping Progress) {
            self.fd = fd
            self.start = start
            self.knownTotal = knownTotal
            self.progress = progress
        }
    }

    /// Downloads `url` into `partPath`, continuing after the bytes already there.
    func fetch(_ url: String, to partPath: String, expectedSize: Int?, progress: @escaping Progress) throws(Failure) -> Outcome {
        guard Self.globalInit, let curl = blitz_curl_easy_init() else {
            throw Failure(reason: "libcurl could not start", retryable: false)
        }
        defer { blitz_curl_easy_cleanup(curl) }
        let start = FileSystem.size(partPath) ?? 0
        let fd = open(partPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(reason: "cannot write \(partPath): \(FileSystem.lastError)", retryable: false) }
        defer { close(fd) }
        let transfer = Transfer(fd: fd, start: start, knownTotal: expectedSize, progress: progress)
        let context = Unmanaged.passUnretained(transfer).toOpaque()

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorText in
            _ = blitz_curl_set_string(curl, CURLOPT_URL, url)
            _ = blitz_curl_set_long(curl, CURLOPT_FOLLOWLOCATION, 1)
            _ = blitz_curl_set_long(curl, CURLOPT_MAXREDIRS, 10)
            _ = blitz_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
            _ = blitz_curl_set_long(curl, CURLOPT_FAILONERROR, 1)
            _ = blitz_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT, connectTimeout)
            _ = blitz_curl_set_long(curl, CURLOPT_LOW_SPEED_LIMIT, 1)
            _ = blitz_curl_set_long(curl, CURLOPT_LOW_SPEED_TIME, stallTimeout)
            _ = blitz_curl_set_string(curl, CURLOPT_USERAGENT, "blitz-tui (libcurl)")
            _ = blitz_curl_set_pointer(curl, CURLOPT_ERRORBUFFER, errorText.baseAddress)
            if start > 0 { _ = blitz_curl_set_offset(curl, CURLOPT_RESUME_FROM_LARGE, curl_off_t(start)) }
            _ = blitz_curl_set_pointer(curl, CURLOPT_WRITEDATA, context)
            _ = blitz_curl_set_write_function(curl) { data, size, count, context in
                let transfer = Unmanaged<HTTPDownload.Transfer>.fromOpaque(context!).takeUnretainedValue()
                let total = size * count
                var offset = 0
                while offset < total {
                    let n = Glibc.write(transfer.fd, data! + offset, total - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        transfer.writeError = FileSystem.lastError
                        return 0
                    }
                    offset += n
                }
                transfer.written += total
                return total
            }
            _ = blitz_curl_set_long(curl, CURLOPT_NOPROGRESS, 0)
            _ = blitz_curl_set_pointer(curl, CURLOPT_XFERINFODATA, context)
            _ = blitz_curl_set_progress_function(curl) { context, total, now, _, _ in
                let transfer = Unmanaged<HTTPDownload.Transfer>.fromOpaque(context!).takeUnretainedValue()
                let whole = total > 0 ? transfer.start + Int(total) : transfer.knownTotal
                transfer.progress(transfer.start + Int(now), whole)
                return 0
            }
            return blitz_curl_easy_perform(curl)
        }
        var status = 0
        _ = blitz_curl_response_code(curl, &status)
        if code == CURLE_OK {
            // A server that ignored the range sent the whole file after what was there: start over.
            if start > 0 && status == 200 {
                Self.keepOnly(partPath, bytes: transfer.written, from: start)
            }
            return .complete
        }
        if let writeError = transfer.writeError {
            throw Failure(reason: "cannot write \(partPath): \(writeError)", retryable: false)
        }
        if code == CURLE_HTTP_RETURNED_ERROR && status == 416 && start > 0 {
            return .alreadyComplete
        }
        let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let text = String(cString: blitz_curl_easy_strerror(code))
        var reason = detail.isEmpty ? text : "\(text): \(detail)"
        if code == CURLE_OPERATION_TIMEDOUT {
            reason = "timed out (no data for \(stallTimeout) s, or no connection within \(connectTimeout) s): \(detail)"
        }
        let retryable = [CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_OPERATION_TIMEDOUT].contains(code)
        throw Failure(reason: reason, retryable: retryable && transfer.written > 0)
    }
}

extension HTTPDownload {
    /// The server sent the whole file despite the range: keep only those bytes (they are the
    /// file from its start) by moving them to the front.
    static func keepOnly(_ partPath: String, bytes written: Int, from start: Int) {
        let source = open(partPath, O_RDONLY | O_CLOEXEC)
        let tmp = partPath + ".restart"
        let target = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer {
            if source >= 0 { close(source) }
            if target >= 0 { close(target) }
        }
        guard source >= 0, target >= 0 else {
            unlink(partPath)
            return
        }
        lseek(source, off_t(start), SEEK_SET)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var remaining = written
        while remaining > 0 {
            let n = chunk.withUnsafeMutableBytes { read(source, $0.baseAddress, min($0.count, remaining)) }
            if n <= 0 { break }
            _ = chunk.withUnsafeBytes { Glibc.write(target, $0.baseAddress, n) }
            remaining -= n
        }
        rename(tmp, partPath)
    }
}
