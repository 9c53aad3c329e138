import Foundation

/// A small HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for the download tests, one thread
/// per connection. Each path is served whole or by Range; a route can cut its first response
/// half-way (then closes the connection) or stall (headers, then nothing, until stopped).
/// Every request's path and Range header are recorded.
final class LocalHTTPServer: @unchecked Sendable {
    // @unchecked: `routes` and `requests` are only touched under `lock`; the socket is set in
    // init and closed once in stop().
    enum Behaviour {
        case normal
        /// The first response announces every byte but sends half, then closes.
        case cutFirstResponse
        /// Headers, then no byte at all (the client must time out).
        case stall
        case notFound
    }

    struct Request {
        var path: String
        var range: String?
    }

    private let lock = NSLock()
    private var routes: [String: (bytes: [UInt8], behaviour: Behaviour, served: Int)] = [:]
    private var recorded: [Request] = []
    private var stopped = false
    private let listener: Int32
    let port: UInt16

    var baseURL: String { "http://127.0.0.1:\(port)/" }

    var requests: [Request] { lock.withLock { recorded } }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw NSError(domain: "LocalHTTPServer", code: Int(errno)) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    func serve(_ path: String, _ bytes: [UInt8], _ behaviour: Behaviour = .normal) {
        lock.withLock { routes[path] = (bytes, behaviour, 0) }
    }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 { if isStopped { return } else { continue } }
            let thread = Thread { [self] in handle(client) }
            thread.start()
        }
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        var request = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !request.ends(with: [13, 10, 13, 10]) {
            let n = read(client, &chunk, chunk.count)
            if n <= 0 { return }
            request += chunk[0..<n]
        }
        let lines = String(decoding: request, as: UTF8.self).components(separatedBy: "\r\n")
        let path = lines.first?.split(separator: " ").dropFirst().first.map { String($0.dropFirst()) } ?? ""
        let range = lines.first { $0.lowercased().hasPrefix("range:") }.map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
        let route: (bytes: [UInt8], behaviour: Behaviour, served: Int)? = lock.withLock {
            recorded.append(Request(path: path, range: range))
            guard var r = routes[path] else { return nil }
            r.served += 1
            routes[path] = r
            return r
        }
        guard let route, route.behaviour != .notFound else {
            send(client, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        }
        var start = 0
        if let range, range.hasPrefix("bytes="), let from = Int(range.dropFirst(6).split(separator: "-").first ?? "") {
            start = from
        }
        let bytes = route.bytes
        if start >= bytes.count && start > 0 {
            send(client, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */\(bytes.count)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        }
        let body = Array(bytes[start...])
        let status = start > 0 ? "206 Partial Content" : "200 OK"
        var headers = "HTTP/1.1 \(status)\r\nContent-Length: \(body.count)\r\nAccept-Ranges: bytes\r\nConnection: close\r\n"
        if start > 0 { headers += "Content-Range: bytes \(start)-\(bytes.count - 1)/\(bytes.count)\r\n" }
        send(client, headers + "\r\n")
        switch route.behaviour {
        case .stall:
            // Bounded: the client gives up long before this.
            for _ in 0..<600 where !isStopped { usleep(50_000) }
        case .cutFirstResponse where route.served == 1:
            send(client, Array(body[0..<(body.count / 2)]))
        default:
            send(client, body)
        }
    }

    private func send(_ client: Int32, _ text: String) {
        send(client, Array(text.utf8))
    }

    private func send(_ client: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
