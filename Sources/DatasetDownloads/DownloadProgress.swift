/// The download's progress line, as torchvision's tqdm bar shows it: a bar, bytes so far of the
/// total, the rate, and the time left. A pure function of the numbers, so tests can render it.
public struct DownloadProgress: Sendable, Equatable {
    public var file: String
    public var have: Int
    public var total: Int?
    /// Bytes per second over the transfer so far (nil before there is a rate to show).
    public var rate: Double?

    public init(file: String, have: Int, total: Int?, rate: Double?) {
        self.file = file
        self.have = have
        self.total = total
        self.rate = rate
    }

    /// `cifar-10-binary.tar.gz  [██████░░░░░░░░░░░░░░]  51.2 MB / 170.1 MB  4.3 MB/s  0:27 left`
    public func line(barWidth: Int = 20) -> String {
        var parts = [file]
        if let total, total > 0 {
            let filled = min(barWidth, Int(Double(barWidth) * Double(have) / Double(total)))
            parts.append("[" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "]")
            parts.append("\(Self.bytes(have)) / \(Self.bytes(total))")
        } else {
            parts.append(Self.bytes(have))
        }
        if let rate, rate > 0 {
            parts.append("\(Self.bytes(Int(rate)))/s")
            if let total, total > have {
                parts.append("\(Self.duration(Double(total - have) / rate)) left")
            }
        }
        return parts.joined(separator: "  ")
    }

    /// 1000-based units, one decimal: 512 B, 28.9 kB, 170.1 MB.
    public static func bytes(_ n: Int) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(n)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(n) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// m:ss, or h:mm:ss past an hour.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = max(0, Int(seconds.rounded()))
        let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
        return s >= 3600 ? "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" : "\(s / 60):\(two(s % 60))"
    }
}
