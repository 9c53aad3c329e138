/// `print(tensor)` as PyTorch prints it: `tensor([[0.1000, 0.2000]], grad_fn=<AddmmBackward0>)`.
/// Fixed notation with 4 decimals, scientific when magnitudes span too far, `1.` for whole
/// floats, summarised with `...` past 1,000 elements (3 at each edge), one row per line.
extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = doubles
        let formatter = ElementFormatter(values: values, dtype: dtype)
        var body = ""
        if rank == 0 {
            body = formatter.format(values.first ?? 0).trimmingLeadingSpaces()
        } else {
            body = Tensor.describe(values, shape: shape, strides: Shape.strides(shape), offset: 0, dim: 0,
                                   summarize: count > 1000, formatter: formatter, indent: 8)
        }
        var suffix: [String] = []
        if dtype == .float64 { suffix.append("dtype=torch.float64") }
        if device != .cpu { suffix.append("device='\(device)'") }
        if let gradFn {
            suffix.append("grad_fn=<\(gradFn.name)>")
        } else if requiresGrad {
            suffix.append("requires_grad=True")
        }
        if count == 0 { body = "[]" }
        return "tensor(" + body + (suffix.isEmpty ? "" : ", " + suffix.joined(separator: ", ")) + ")"
    }

    private static func describe(_ values: [Double], shape: [Int], strides: [Int], offset: Int, dim: Int,
                                 summarize: Bool, formatter: ElementFormatter, indent: Int) -> String {
        let n = shape[dim]
        let indices: [Int?] = summarize && n > 6 ? [0, 1, 2, nil, n - 3, n - 2, n - 1] : (0..<n).map { $0 }
        if dim == shape.count - 1 {
            let items = indices.map { i in i.map { formatter.format(values[offset + $0 * strides[dim]]) } ?? "..." }
            // Wrap long rows the way PyTorch does (linewidth 80).
            var lines: [String] = []
            var line = ""
            for (k, item) in items.enumerated() {
                let piece = item + (k < items.count - 1 ? "," : "")
                if !line.isEmpty && line.count + 1 + piece.count > 80 - indent {
                    lines.append(line)
                    line = piece
                } else {
                    line += (line.isEmpty ? "" : " ") + piece
                }
            }
            lines.append(line)
            return "[" + lines.joined(separator: "\n" + String(repeating: " ", count: indent)) + "]"
        }
        let separator = ",\n" + String(repeating: "\n", count: shape.count - dim - 2) + String(repeating: " ", count: indent)
        let parts = indices.map { i -> String in
            guard let i else { return "..." }
            return describe(values, shape: shape, strides: strides, offset: offset + i * strides[dim], dim: dim + 1,
                            summarize: summarize, formatter: formatter, indent: indent + 1)
        }
        return "[" + parts.joined(separator: separator) + "]"
    }
}

/// Chooses one notation for all elements, as PyTorch's printer does, and pads to a common width.
struct ElementFormatter {
    enum Mode { case integer, wholeFloat, fixed, scientific }
    let mode: Mode
    let width: Int

    init(values: [Double], dtype: DType) {
        let finite = values.filter { $0.isFinite }
        let magnitudes = finite.map { Swift.abs($0) }.filter { $0 != 0 }
        if dtype == .int64 {
            mode = .integer
        } else if finite.allSatisfy({ $0.rounded() == $0 }) && (magnitudes.max() ?? 0) < 1e8 {
            mode = .wholeFloat
        } else if let lo = magnitudes.min(), let hi = magnitudes.max(), hi / lo > 1000 || hi > 1e8 || lo < 1e-4 {
            mode = .scientific
        } else {
            mode = .fixed
        }
        var w = 0
        for v in values { w = Swift.max(w, ElementFormatter.raw(v, mode).count) }
        width = w
    }

    static func raw(_ v: Double, _ mode: Mode) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        switch mode {
        case .integer: return String(Int64(v))
        case .wholeFloat: return String(Int64(v)) + "."
        case .fixed: return formatFixed(v, decimals: 4)
        case .scientific: return formatScientific(v, decimals: 4)
        }
    }

    func format(_ v: Double) -> String {
        let s = ElementFormatter.raw(v, mode)
        return String(repeating: " ", count: Swift.max(0, width - s.count)) + s
    }
}

/// `v` with a fixed number of decimals, without Foundation.
func formatFixed(_ v: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (Swift.abs(v) * scale).rounded()
    let negative = v < 0 && scaled != 0
    let whole = UInt64(scaled / scale)
    let fraction = UInt64(scaled - Double(whole) * scale)
    var fractionText = String(fraction)
    while fractionText.count < decimals { fractionText = "0" + fractionText }
    return (negative ? "-" : "") + String(whole) + (decimals > 0 ? "." + fractionText : "")
}

/// `v` as d.dddde±XX.
func formatScientific(_ v: Double, decimals: Int) -> String {
    if v == 0 { return formatFixed(0, decimals: decimals) + "e+00" }
    var exponent = Int((Swift.abs(v)).log10Floor)
    var mantissa = v / pow10(exponent)
    var rounded = formatFixed(mantissa, decimals: decimals)
    if rounded.hasPrefix("10.") || rounded.hasPrefix("-10.") {
        exponent += 1
        mantissa = v / pow10(exponent)
        rounded = formatFixed(mantissa, decimals: decimals)
    }
    let sign = exponent < 0 ? "-" : "+"
    let digits = String(Swift.abs(exponent))
    return rounded + "e" + sign + (digits.count < 2 ? "0" + digits : digits)
}

private func pow10(_ e: Int) -> Double {
    var r = 1.0
    if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
    return r
}

private extension Double {
    var log10Floor: Double {
        var e = 0.0
        var x = self
        while x >= 10 { x /= 10; e += 1 }
        while x < 1 { x *= 10; e -= 1 }
        return e
    }
}

private extension String {
    func trimmingLeadingSpaces() -> String { String(drop(while: { $0 == " " })) }
}
