#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Trainer

/// One bar per parameter, by its PyTorch name, on a log scale, coloured by order of magnitude,
/// with the norm of its .grad. The scale fits the data in whole decades (the smallest and the
/// largest norm, single-pass norms included), so a converged model's 1e-5 norms still have bars;
/// its ends are labelled under the bars. The part of a bar beyond the norm of a single backward
/// pass is drawn as growth, with the ratio beside the value, so with zero_grad off the bars
/// visibly grow within the same scale.
public struct GradNorms: Widget, Sendable {
    /// A log scale from 10^low to 10^high.
    public struct Scale: Sendable, Equatable {
        public var low: Int
        public var high: Int

        public init(low: Int, high: Int) {
            self.low = low
            self.high = max(high, low + 1)
        }

        /// Whole decades around every finite positive value, at least two of them; 1e-4…1e2
        /// when there is nothing to fit.
        public init(fitting values: [Double]) {
            let positive = values.filter { $0.isFinite && $0 > 0 }
            guard let smallest = positive.min(), let largest = positive.max() else {
                self.init(low: -4, high: 2)
                return
            }
            var low = Int(floor(log10(smallest)))
            var high = Int(ceil(log10(largest)))
            if high - low < 2 {
                low = high - 2
            }
            low = max(low, -320)
            high = min(max(high, low + 1), 310)
            self.init(low: low, high: high)
        }

        /// Where `norm` falls on the scale, from 0 to 1.
        public func fraction(_ norm: Double) -> Double {
            guard norm > 0 else { return 0 }
            guard norm.isFinite else { return 1 }
            let t = (log10(norm) - Double(low)) / Double(high - low)
            return min(1, max(0, t))
        }

        /// "1e-4…1e2".
        public var text: String { Format.decade(low) + "…" + Format.decade(high) }
    }

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

    /// The scale the bars are drawn on: fitted to the norms and, when growth is shown, to the
    /// single-pass norms it is measured from.
    public var scale: Scale {
        var values = parameters.compactMap(\.gradNorm)
        if showsGrowth { values += baseline.compactMap { $0 } }
        return Scale(fitting: values)
    }

    /// Whether `area` leaves a row under the bars for the scale's labels (else the panel's
    /// frame should say the scale: `scale.text`).
    public func showsScale(in area: Rect) -> Bool {
        let rows = area.height >= parameters.count + 1 ? area.height - 1 : area.height
        return !parameters.isEmpty && rows >= parameters.count + 1 && barWidth(in: area) >= 12
    }

    private func columns(in area: Rect) -> (name: Int, value: Int, ratio: Int) {
        let name = min(parameters.map(\.name.count).max() ?? 0, max(6, area.width / 3))
        return (name, 8, showsGrowth ? 7 : 0)
    }

    private func barWidth(in area: Rect) -> Int {
        let c = columns(in: area)
        return area.maxX - (area.x + c.name + 1) - 1 - c.value - c.ratio
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
        let (nameWidth, valueWidth, ratioWidth) = columns(in: area)
        let barX = rows.x + nameWidth + 1
        let barWidth = self.barWidth(in: area)
        let scale = self.scale
        // The scale's labels under the bars when a row is spare.
        var listRows = rows
        if showsScale(in: area) {
            renderTicks(scale, y: rows.y + parameters.count, barX: barX, barWidth: barWidth, buffer: &buffer, theme: theme, clip: rows)
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
                renderBar(norm: norm, baseline: base, scale: scale, x: barX, y: y, width: barWidth, buffer: &buffer, theme: theme)
            }
            buffer.put(Format.padLeft(Format.significant(norm, 3), valueWidth), x: valueX, y: y, style: theme.emphasized(theme.magnitude(norm)), clip: listRows)
            if showsGrowth, let b = baseline[safe: index] ?? nil, b > 0 {
                let ratio = norm / b
                let text = ratio >= 1.05 ? Format.ratio(ratio) : ""
                buffer.put(Format.padLeft(text, ratioWidth - 1), x: valueX + valueWidth + 1, y: y, style: theme.growth, clip: listRows)
            }
        }
    }

    private func renderBar(norm: Double, baseline: Double?, scale: Scale, x: Int, y: Int, width: Int, buffer: inout ScreenBuffer,
                           theme: Theme) {
        let s = theme.symbols
        let eighths = Int((scale.fraction(norm) * Double(width * 8)).rounded())
        let growthStart = baseline.map { Int((scale.fraction($0) * Double(width)).rounded()) } ?? width
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

    /// Labels under the bars: both ends always, and the decades between them where they fit.
    private func renderTicks(_ scale: Scale, y: Int, barX: Int, barWidth: Int, buffer: inout ScreenBuffer, theme: Theme, clip: Rect) {
        let decades = scale.high - scale.low
        func position(_ step: Int, _ label: String) -> Int {
            let x = barX + Int((Double(step) / Double(decades) * Double(barWidth - 1)).rounded())
            return min(x, barX + barWidth - label.count)
        }
        let highLabel = Format.decade(scale.high)
        let highStart = position(decades, highLabel)
        var lastEnd = barX - 1
        // The low end, the inner decades that leave a gap before the next label and before the high end.
        for step in 0..<decades {
            let label = Format.decade(scale.low + step)
            let start = position(step, label)
            guard start > lastEnd, step == 0 || start + label.count < highStart else { continue }
            buffer.put(label, x: start, y: y, style: theme.axis, clip: clip)
            lastEnd = start + label.count
        }
        if highStart > lastEnd {
            buffer.put(highLabel, x: highStart, y: y, style: theme.axis, clip: clip)
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        index >= 0 && index < count ? self[index] : nil
    }
}
