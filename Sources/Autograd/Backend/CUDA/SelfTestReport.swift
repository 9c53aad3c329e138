/// The result of a device self-test: one row per check, and a table to print.

/// One check: which kernel or op, in which dtype, on what shapes, and how far the device's
/// answer was from the CPU's.
public struct SelfTestRow: Sendable, Equatable {
    public let name: String
    public let dtype: String
    public let detail: String
    /// The largest relative error (see `SelfTestComparison`); NaN when the answer had a NaN.
    public let maxError: Double
    public let passed: Bool
    /// Why it failed, or a measurement; empty when there is nothing to add.
    public let note: String

    public init(name: String, dtype: String, detail: String, maxError: Double, passed: Bool, note: String = "") {
        self.name = name
        self.dtype = dtype
        self.detail = detail
        self.maxError = maxError
        self.passed = passed
        self.note = note
    }
}

public struct SelfTestReport: Sendable {
    /// The device as `CUDADeviceInfo.summary` describes it, plus the kernel target.
    public let device: String
    public let rows: [SelfTestRow]

    public init(device: String, rows: [SelfTestRow]) {
        self.device = device
        self.rows = rows
    }

    public var passed: Bool { !rows.isEmpty && rows.allSatisfy(\.passed) }
    public var failures: [SelfTestRow] { rows.filter { !$0.passed } }

    /// A fixed-width table, a line per row, and a closing count.
    public var table: String {
        let header = ["check", "dtype", "shapes", "max rel err", "result"]
        var lines = [[String]]()
        for row in rows {
            let result = (row.passed ? "ok" : "FAIL") + (row.note.isEmpty ? "" : "  " + row.note)
            lines.append([row.name, row.dtype, row.detail, SelfTestReport.scientific(row.maxError), result])
        }
        var widths = header.map(\.count)
        for line in lines {
            for (i, cell) in line.dropLast().enumerated() { widths[i] = Swift.max(widths[i], cell.count) }
        }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }
        var text = device + "\n" + render(header) + "\n"
        for line in lines { text += render(line) + "\n" }
        let failed = failures.count
        text += "\(rows.count - failed) passed, \(failed) failed\n"
        return text
    }

    /// `3.1e-07`, `0`, `nan`, without Foundation.
    static func scientific(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return "inf" }
        if x == 0 { return "0" }
        var exponent = Int((Swift.abs(x)).exponent) * 30103 / 100000
        var mantissa = Swift.abs(x) / pow10(exponent)
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        while mantissa < 1 { mantissa *= 10; exponent -= 1 }
        var tenths = Int((mantissa * 10).rounded())
        if tenths >= 100 { tenths /= 10; exponent += 1 }
        let sign = x < 0 ? "-" : ""
        let e = exponent < 0 ? "-" + (-exponent < 10 ? "0" : "") + String(-exponent) : "+" + (exponent < 10 ? "0" : "") + String(exponent)
        return "\(sign)\(tenths / 10).\(tenths % 10)e\(e)"
    }

    private static func pow10(_ e: Int) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0 ..< -e { r /= 10 } }
        return r
    }
}

/// A check that needs more than Autograd (a model, a trainer): the caller builds it, and the
/// self-test runs it after its own and adds its rows. The 200-step training comparison and the
/// batch-256 timing plug in here from the blitz-tui target.
public struct SelfTestCheck {
    public let name: String
    public let run: (_ device: Device) throws -> [SelfTestRow]

    public init(name: String, run: @escaping (_ device: Device) throws -> [SelfTestRow]) {
        self.name = name
        self.run = run
    }
}
