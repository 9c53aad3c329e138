// Number and text formatting for the panels, without Foundation (which would add tens of
// megabytes to a static binary for String(format:)). Values keep a fixed number of significant
// digits, so a column of gradient norms spanning six decades stays readable.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum Format {
    /// `value` with `decimals` digits after the point: fixed(0.0312, 3) == "0.031".
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let d = min(max(0, decimals), 12)
        let scale = pow(10.0, Double(d))
        let scaled = (abs(value) * scale).rounded()
        if scaled >= 9.0e15 { return scientific(value, 2) }
        var digits = String(UInt64(scaled))
        if d > 0 {
            if digits.count <= d {
                digits = String(repeating: "0", count: d - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -d))
        }
        let negative = value < 0 && scaled != 0
        return negative ? "-" + digits : digits
    }

    /// `value` with `digits` significant digits, switching to scientific notation outside
    /// 0.001 ..< 100000: significant(0.031234) == "0.0312", significant(1.2e-5) == "1.20e-05".
    public static func significant(_ value: Double, _ digits: Int = 3) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return "0" }
        let n = max(1, digits)
        var exponent = Int(floor(log10(abs(value))))
        // Rounding can carry into the next decade (9.996 → 10.0): measure after rounding.
        let rounded = (abs(value) / pow(10.0, Double(exponent - n + 1))).rounded()
        if rounded >= pow(10.0, Double(n)) { exponent += 1 }
        if exponent < -3 || exponent >= 5 {
            return scientific(value, n - 1)
        }
        return fixed(value, max(0, n - 1 - exponent))
    }

    /// Like `significant`, without trailing zeros and in plain notation down to 1e-5: a
    /// learning rate reads 0.001 or 0.0005, not 0.00100 or 5.00e-04.
    public static func trimmed(_ value: Double, _ digits: Int = 3) -> String {
        var text: String
        let magnitude = abs(value)
        if value.isFinite && magnitude >= 1e-5 && magnitude < 1e5 {
            let exponent = Int(floor(log10(magnitude)))
            text = fixed(value, max(0, digits - 1 - exponent))
        } else {
            text = significant(value, digits)
        }
        let exponent = text.firstIndex(of: "e").map { String(text[$0...]) } ?? ""
        if !exponent.isEmpty { text.removeLast(exponent.count) }
        if text.contains(".") {
            while text.last == "0" { text.removeLast() }
            if text.last == "." { text.removeLast() }
        }
        return text + exponent
    }

    /// Scientific notation with `decimals` digits in the mantissa: "1.20e-05".
    public static func scientific(_ value: Double, _ decimals: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return fixed(0, decimals) + "e+00" }
        var exponent = Int(floor(log10(abs(value))))
        // 10^exponent underflows to 0 below about 1e-308 (subnormals): scale those up first.
        var mantissa = exponent < -300 ? value * 1e300 / pow(10.0, Double(exponent + 300))
            : value / pow(10.0, Double(exponent))
        let scale = pow(10.0, Double(decimals))
        if (abs(mantissa) * scale).rounded() >= 10 * scale {
            exponent += 1
            mantissa /= 10
        }
        let sign = exponent < 0 ? "-" : "+"
        let e = abs(exponent)
        return fixed(mantissa, decimals) + "e" + sign + (e < 10 ? "0" : "") + String(e)
    }

    /// A PyTorch-style shape: "[4, 10]"; compact drops the spaces: "[4,10]".
    public static func shape(_ dims: [Int], compact: Bool = false) -> String {
        "[" + dims.map(String.init).joined(separator: compact ? "," : ", ") + "]"
    }

    /// A growth factor in at most six columns: "×4.2", "×42", "×420", "×5e3", "×1e12", "×inf".
    public static func ratio(_ r: Double) -> String {
        guard r.isFinite else { return r.isNaN ? "×nan" : "×inf" }
        if r < 9.95 { return "×" + fixed(r, 1) }
        if r < 999.5 { return "×" + fixed(r, 0) }
        var exponent = Int(floor(log10(r)))
        var mantissa = (r / pow(10.0, Double(exponent))).rounded()
        if mantissa >= 10 {
            mantissa = 1
            exponent += 1
        }
        return "×" + fixed(mantissa, 0) + "e" + String(exponent)
    }

    /// A power of ten as a scale label: "1e-4", "1", "1e2".
    public static func decade(_ exponent: Int) -> String {
        exponent == 0 ? "1" : "1e\(exponent)"
    }

    /// "87.5%" for 0.875.
    public static func percent(_ fraction: Double) -> String {
        fixed(fraction * 100, 1) + "%"
    }

    /// Cuts `text` to `width` columns, ending in "…" when it had to cut.
    public static func truncate(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        if width == 1 { return "…" }
        return String(text.prefix(width - 1)) + "…"
    }

    public static func padRight(_ text: String, _ width: Int) -> String {
        let t = truncate(text, width)
        return t + String(repeating: " ", count: max(0, width - t.count))
    }

    public static func padLeft(_ text: String, _ width: Int) -> String {
        let t = truncate(text, width)
        return String(repeating: " ", count: max(0, width - t.count)) + t
    }

    /// Joins `pieces` with `separator` into lines of at most `width` columns, breaking only
    /// between pieces (a piece longer than a line is wrapped on its own).
    public static func wrap(pieces: [String], _ width: Int, separator: String = "  ") -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for piece in pieces where !piece.isEmpty {
            if current.isEmpty {
                current = piece
            } else if current.count + separator.count + piece.count <= width {
                current += separator + piece
            } else {
                lines.append(current)
                current = piece
            }
            if current.count > width {
                var parts = wrap(current, width)
                current = parts.popLast() ?? ""
                lines += parts
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Splits `text` into lines of at most `width` columns at spaces (long words are cut).
    public static func wrap(_ text: String, _ width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var w = String(word)
            while w.count > width {
                if !current.isEmpty {
                    lines.append(current)
                    current = ""
                }
                lines.append(String(w.prefix(width)))
                w = String(w.dropFirst(width))
            }
            if current.isEmpty {
                current = w
            } else if current.count + 1 + w.count <= width {
                current += " " + w
            } else {
                lines.append(current)
                current = w
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension Format {
    /// An integer with thousands separators, as Python's f"{n:,}": 61706 → "61,706".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (value < 0 ? "-" : "") + out
    }
}
