#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Trainer

/// One bar per parameter, by its PyTorch name, on a fixed log scale (1e-4 to 1e3), coloured by
/// order of magnitude, with the norm of its .grad. The scale is fixed on purpose: with
/// zero_grad off the bars must visibly grow, and a scale that followed the largest value would
/// hide that. The part of a bar beyond the norm of a single backward pass is drawn as growth,
/// with the ratio beside the value.
public struct GradNorms: Widget, Sendable {
    public static let lowestDecade = -4.0
    public static let highestDecade = 3.0

    public var parameters: [ParameterStats]
    /// Each parameter's grad norm after a single backward pass (nil when not yet seen).
    public var baseline: [Double?]
    public var zeroGradEnabled: Bool
    public var accumulated: Int
    public var selected: Int?

    public init(parameters: [ParameterStats], baseline: [Double?], zeroGradEnabled: Bool, accumulated: Int, selected: Int?) {
        self.parameters = parameters
        self.baseline = baseline
        self.zeroGradEnabled = zeroGradEnabled
        self.accumulated = accumulated
        self.selected = selected
    }

    var showsGrowth: Bool { !zeroGradEnabled && accumulated > 1 }

    /// Where `norm` falls on the scale, from 0 to 1.
    public static func fraction(_ norm: Double) -> Double {
        guard norm > 0 else { return 0 }
        guard norm.isFinite else { return 1 }
        let t = (log10(norm) - lowestDecade) / (highestDecade - lowestDecade)
        return min(1, max(0, t))
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        if parameters.isEmpty {
            buffer.put("no parameters yet", x: area.x, y: area.y, style: theme.dim, clip: area)
            return
        }
        var rows = area
        // A header when there is room: the scale, or the accumulation warning (which the
        // panel's title also carries, for when there is no room).
        if area.height >= parameters.count + 1 {
            let header = area.row(0)
            if showsGrowth {
                let long = "zero_grad off: .grad is the sum of \(accumulated) backward passes"
                let short = ".grad = sum of \(accumulated) backward passes"
                buffer.put(long.count <= header.width ? long : short, x: header.x, y: header.y, style: theme.bad, clip: header)
            } else {
                buffer.put("‖.grad‖ per parameter, log scale", x: header.x, y: header.y, style: theme.dim, clip: header)
            }
            rows = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        }
        let nameWidth = min(parameters.map(\.name.count).max()!, max(6, area.width / 3))
        let valueWidth = 8
        let ratioWidth = showsGrowth ? 7 : 0
        let barX = rows.x + nameWidth + 1
        let barWidth = rows.maxX - barX - 1 - valueWidth - ratioWidth
        // Ticks under the bars when a row is spare.
        var listRows = rows
        if rows.height >= parameters.count + 1 && barWidth >= 16 {
            renderTicks(y: rows.y + parameters.count, barX: barX, barWidth: barWidth, buffer: &buffer, theme: theme, clip: rows)
            listRows = Rect(x: rows.x, y: rows.y, width: rows.width, height: rows.height - 1)
        }
        let window = ScrollWindow(count: parameters.count, visible: listRows.height, selected: selected)
        for (line, index) in window.range.enumerated() {
            let y = listRows.y + line
            let p = parameters[index]
            let isSelected = index == selected
            buffer.put(Format.padRight(p.name, nameWidth), x: rows.x, y: y, style: isSelected ? theme.selected : theme.label, clip: listRows)
            let valueX = rows.maxX - valueWidth - ratioWidth
            guard let norm = p.gradNorm else {
                buffer.put(Format.padLeft("None", valueWidth), x: valueX, y: y, style: theme.dim, clip: listRows)
                continue
            }
            if barWidth >= 1 {
                let base = showsGrowth ? baseline[safe: index] ?? nil : nil
                renderBar(norm: norm, baseline: base, x: barX, y: y, width: barWidth, buffer: &buffer, theme: theme)
            }
            buffer.put(Format.padLeft(Format.significant(norm, 3), valueWidth), x: valueX, y: y, style: theme.magnitude(norm).adding(.bold), clip: listRows)
            if showsGrowth, let b = baseline[safe: index] ?? nil, b > 0 {
                let ratio = norm / b
                let text = ratio >= 1.05 ? "×" + Format.significant(ratio, 2) : ""
                buffer.put(Format.padLeft(text, ratioWidth - 1), x: valueX + valueWidth + 1, y: y, style: theme.growth, clip: listRows)
            }
        }
    }

    private func renderBar(norm: Double, baseline: Double?, x: Int, y: Int, width: Int, buffer: inout ScreenBuffer, theme: Theme) {
        let s = theme.symbols
        let eighths = Int((GradNorms.fraction(norm) * Double(width * 8)).rounded())
        let growthStart = baseline.map { Int((GradNorms.fraction($0) * Double(width)).rounded()) } ?? width
        let style = theme.magnitude(norm)
        let full = eighths / 8
        for i in 0..<min(full, width) {
            let grown = i >= growthStart
            let glyph = grown && !theme.colors ? s.barGrowth : s.barFull
            buffer[x + i, y] = Cell(glyph, style: grown ? theme.growth : style)
        }
        let rest = eighths % 8
        if full < width, rest > 0 {
            let glyph: Character = s.barEighths.isEmpty ? (rest >= 4 ? s.barFull : " ") : s.barEighths[rest - 1]
            buffer[x + full, y] = Cell(glyph, style: full >= growthStart ? theme.growth : style)
        }
    }

    private func renderTicks(y: Int, barX: Int, barWidth: Int, buffer: inout ScreenBuffer, theme: Theme, clip: Rect) {
        let decades = Int(GradNorms.highestDecade - GradNorms.lowestDecade)
        var lastEnd = barX - 1
        for step in stride(from: 0, through: decades, by: 2) {
            let exponent = Int(GradNorms.lowestDecade) + step
            let label = exponent == 0 ? "1" : "1e\(exponent)"
            let x = barX + Int((Double(step) / Double(decades) * Double(barWidth - 1)).rounded())
            let start = min(x, barX + barWidth - label.count)
            guard start > lastEnd else { continue }
            buffer.put(label, x: start, y: y, style: theme.axis, clip: clip)
            lastEnd = start + label.count
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        index >= 0 && index < count ? self[index] : nil
    }
}
