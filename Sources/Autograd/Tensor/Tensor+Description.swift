#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `print(tensor)` as PyTorch prints it: `tensor([[0.1000, 0.2000]], grad_fn=<AddmmBackward0>)`.
///
/// The rules are those of PyTorch's `torch/_tensor_str.py`, followed step by step: one notation
/// for all elements, chosen from the nonzero finite ones (whole numbers as `1.`, fixed with 4
/// decimals, or scientific when magnitudes span more than 1000×, exceed 1e8 or fall below 1e-4);
/// one width for all; past 1,000 elements only 3 items at each edge of every dimension, and
/// only those choose the notation; rows wrapped at a fixed number of elements per line
/// (linewidth 80); suffixes (dtype, grad_fn, ...) after the data, on a new line when they
/// would pass column 80. Numbers are formatted by the C library, correctly rounded like Python's.
extension Tensor: CustomStringConvertible {
    public var description: String {
        let prefix = "tensor("
        let indent = prefix.count
        var suffixes: [String] = []
        if device != .cpu { suffixes.append("device='\(device)'") }
        let body: String
        if count == 0 {
            // No elements to show which dtype it is, so anything but the default float32 says so.
            if rank != 1 { suffixes.append("size=" + pythonTuple(shape)) }
            if dtype != .float32 { suffixes.append("dtype=\(dtype)") }
            body = "[]"
        } else {
            // float32 and int64 are the defaults PyTorch leaves unsaid.
            if dtype == .float64 { suffixes.append("dtype=\(dtype)") }
            body = TensorPrinter(self).string(indent: indent)
        }
        if let gradFn {
            suffixes.append("grad_fn=<\(gradFn.name)>")
        } else if requiresGrad {
            suffixes.append("requires_grad=True")
        }
        return addSuffixes(prefix + body, suffixes, indent: indent)
    }

    private func addSuffixes(_ text: String, _ suffixes: [String], indent: Int) -> String {
        var out = text
        // PyTorch measures the last line as len − rfind("\n") + 1, with rfind = −1 when there is none.
        let lastNewline = text.lastIndex(of: "\n").map { text.distance(from: text.startIndex, to: $0) } ?? -1
        var lastLineLength = text.count - lastNewline + 1
        for suffix in suffixes {
            if lastLineLength + suffix.count + 2 > printLineWidth {
                out += ",\n" + String(repeating: " ", count: indent) + suffix
                lastLineLength = indent + suffix.count
            } else {
                out += ", " + suffix
                lastLineLength += suffix.count + 2
            }
        }
        return out + ")"
    }
}

private let printLineWidth = 80
private let printThreshold = 1000
private let printEdgeItems = 3
private let printPrecision = 4

private func pythonTuple(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
}

/// Walks a tensor's elements in PyTorch's layout: nested brackets, summarised edges, wrapped rows.
private struct TensorPrinter {
    let shape: [Int]
    let strides: [Int]
    let summarize: Bool
    let formatter: ElementFormatter
    let text: (Int) -> String

    init(_ tensor: Tensor) {
        shape = tensor.shape
        strides = Shape.strides(tensor.shape)
        summarize = tensor.count > printThreshold
        if tensor.dtype == .int64 {
            let values = tensor.toArray(Int64.self)
            let shown = summarize ? TensorPrinter.shownOffsets(shape, strides).map { values[$0] } : values
            let formatter = ElementFormatter(integers: shown)
            self.formatter = formatter
            text = { formatter.format(values[$0]) }
        } else {
            let values = tensor.doubles
            let shown = summarize ? TensorPrinter.shownOffsets(shape, strides).map { values[$0] } : values
            let formatter = ElementFormatter(floats: shown)
            self.formatter = formatter
            text = { formatter.format(values[$0]) }
        }
    }

    /// The indices shown along a dimension of size n; nil marks the elided middle.
    func shownIndices(_ n: Int) -> [Int?] {
        TensorPrinter.shownIndices(n, summarize: summarize)
    }

    static func shownIndices(_ n: Int, summarize: Bool) -> [Int?] {
        guard summarize && n > 2 * printEdgeItems else { return (0..<n).map { $0 } }
        return Array(0..<printEdgeItems) + [nil] + Array((n - printEdgeItems)..<n)
    }

    /// Offsets of the elements a summarised print shows: PyTorch picks the notation from these only.
    static func shownOffsets(_ shape: [Int], _ strides: [Int]) -> [Int] {
        var offsets = [0]
        for d in 0..<shape.count {
            let kept = shownIndices(shape[d], summarize: true).compactMap { $0 }
            offsets = offsets.flatMap { base in kept.map { base + $0 * strides[d] } }
        }
        return offsets
    }

    func string(indent: Int) -> String {
        shape.isEmpty ? text(0) : string(offset: 0, dim: 0, indent: indent)
    }

    private func string(offset: Int, dim: Int, indent: Int) -> String {
        let indices = shownIndices(shape[dim])
        if dim == shape.count - 1 {
            // A row: a fixed number of elements per line, " ..." counting as one of them.
            let perLine = Swift.max(1, (printLineWidth - indent) / (formatter.width + 2))
            let items = indices.map { i in i.map { text(offset + $0 * strides[dim]) } ?? " ..." }
            var lines: [String] = []
            var start = 0
            while start < items.count {
                lines.append(items[start..<Swift.min(start + perLine, items.count)].joined(separator: ", "))
                start += perLine
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        let slices = indices.map { i in
            i.map { string(offset: offset + $0 * strides[dim], dim: dim + 1, indent: indent + 1) } ?? "..."
        }
        let remaining = shape.count - dim
        let separator = "," + String(repeating: "\n", count: remaining - 1) + String(repeating: " ", count: indent + 1)
        return "[" + slices.joined(separator: separator) + "]"
    }
}

/// PyTorch's `_Formatter`: one notation and one width for every element of a tensor.
private struct ElementFormatter {
    enum Mode { case integer, wholeFloat, fixed, scientific }
    private(set) var mode: Mode
    private(set) var width = 1

    init(integers values: [Int64]) {
        mode = .integer
        for v in values { width = Swift.max(width, String(v).count) }
    }

    /// Only nonzero finite values choose the notation and the width; nan, inf and zeros follow.
    init(floats values: [Double]) {
        mode = .wholeFloat
        let chosen = values.filter { $0.isFinite && $0 != 0 }
        guard !chosen.isEmpty else { return }
        var smallest = Double.infinity
        var largest = 0.0
        for v in chosen {
            smallest = Swift.min(smallest, Swift.abs(v))
            largest = Swift.max(largest, Swift.abs(v))
        }
        let whole = chosen.allSatisfy { $0 == $0.rounded(.up) }
        if largest / smallest > 1000 || largest > 1e8 || (!whole && smallest < 1e-4) {
            mode = .scientific
        } else {
            mode = whole ? .wholeFloat : .fixed
        }
        for v in chosen { width = Swift.max(width, raw(v).count) }
    }

    private func raw(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        switch mode {
        case .integer: return String(Int64(v))
        case .wholeFloat: return cFormat("%.0f", v) + "."
        case .fixed: return cFormat("%.\(printPrecision)f", v)
        case .scientific: return cFormat("%.\(printPrecision)e", v)
        }
    }

    func format(_ v: Double) -> String { padded(raw(v)) }

    func format(_ v: Int64) -> String { padded(String(v)) }

    private func padded(_ s: String) -> String {
        String(repeating: " ", count: Swift.max(0, width - s.count)) + s
    }
}

/// printf-style formatting of one Double: glibc rounds the exact binary value correctly
/// (half to even), as Python's format does.
private func cFormat(_ format: String, _ value: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 512)
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
