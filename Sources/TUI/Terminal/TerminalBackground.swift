// Whether the terminal draws on a dark or a light background, which decides the theme's
// colours (Theme.swift). Asked in this order: --background; COLORFGBG (rxvt, Konsole and
// others set it, "15;0" is white on black); the terminal itself, with xterm's OSC 11 query
// ("what is your background colour?"), which xterm, VTE, kitty, iTerm2, WezTerm and tmux
// answer. A DA1 request ("who are you?") follows the query: every terminal answers DA1, and in
// order, so once its answer is in no late reply can arrive later and be read as keys. A terminal
// that answers neither within the timeout gets the dark theme.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum TerminalBackground {
    /// COLORFGBG's last field is the background's colour index: 7 and 9–15 are light.
    public static func fromColorFgBg(_ value: String?) -> Background? {
        guard let value, let last = value.split(separator: ";").last, let index = Int(last) else { return nil }
        return index == 7 || (index >= 9 && index <= 15) ? .light : .dark
    }

    /// The background from an OSC 11 reply somewhere in `bytes`
    /// (`ESC ] 11 ; rgb:RRRR/GGGG/BBBB` ended by BEL or ESC \), by its luminance.
    public static func fromReply(_ bytes: [UInt8]) -> Background? {
        let marker = Array("]11;rgb:".utf8)
        guard bytes.count > marker.count,
              let start = (0...(bytes.count - marker.count)).first(where: { Array(bytes[$0..<($0 + marker.count)]) == marker })
        else { return nil }
        let text = String(decoding: bytes[(start + marker.count)...], as: UTF8.self)
        let channels = text.split(whereSeparator: { $0 == "/" || $0 == "\u{7}" || $0 == "\u{1B}" })
        guard channels.count >= 3 else { return nil }
        var rgb: [Double] = []
        for channel in channels.prefix(3) {
            let digits = channel.prefix { $0.isHexDigit }
            guard !digits.isEmpty, digits.count <= 4, let value = Int(digits, radix: 16) else { return nil }
            rgb.append(Double(value) / Double((1 << (4 * digits.count)) - 1))
        }
        let luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
        return luminance > 0.5 ? .light : .dark
    }

    /// The environment's answer, else the terminal's; nil when neither says.
    static func detect(timeoutMilliseconds: Int = 300) -> Background? {
        if let env = getenv("COLORFGBG"), let answer = fromColorFgBg(String(cString: env)) {
            return answer
        }
        return query(timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Sends OSC 11 and DA1 to the controlling terminal and reads until DA1's answer (or the
    /// timeout), with echo and line editing off meanwhile.
    static func query(timeoutMilliseconds: Int) -> Background? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return nil }
        defer { _ = tcsetattr(fd, TCSANOW, &saved) }
        let request = Array("\u{1B}]11;?\u{1B}\\\u{1B}[c".utf8)
        guard request.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == request.count else { return nil }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        let deadline = Int(clock.tv_sec) * 1000 + Int(clock.tv_nsec) / 1_000_000 + timeoutMilliseconds
        while !answeredDA1(reply) && reply.count < 4096 {
            clock_gettime(CLOCK_MONOTONIC, &clock)
            let left = deadline - (Int(clock.tv_sec) * 1000 + Int(clock.tv_nsec) / 1_000_000)
            guard left > 0 else { break }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(left)) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            reply += chunk[0..<n]
        }
        return fromReply(reply)
    }

    /// Whether `bytes` hold DA1's answer, `ESC [ ? … c`.
    static func answeredDA1(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == 0x1B && bytes[i + 1] == UInt8(ascii: "[") && bytes[i + 2] == UInt8(ascii: "?") {
                var j = i + 3
                while j < bytes.count {
                    if bytes[j] == UInt8(ascii: "c") { return true }
                    guard bytes[j] == UInt8(ascii: ";") || (bytes[j] >= 0x30 && bytes[j] <= 0x39) else { break }
                    j += 1
                }
            }
            i += 1
        }
        return false
    }
}
