import Trainer

/// The Distributions page: for the selected parameter, its weights' and its gradient's
/// distribution over the steps sampled, drawn as TensorBoard's "distributions" view draws them
/// (nested percentile bands: min–max, 7–93%, 16–84%, 31–69%, and the median line), the latest
/// histogram of each, and for every layer that feeds a ReLU the fraction of dead units over time.
/// Everything comes from the trainer's DistributionHistory; the widget only draws it.
public struct DistributionsPanel: Widget, Sendable {
    public var history: DistributionHistory?
    /// Index into history.parameters (clamped).
    public var selected: Int

    public init(history: DistributionHistory?, selected: Int) {
        self.history = history
        self.selected = selected
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard area.width >= 20, area.height >= 3 else { return }
        guard let history, !history.parameters.isEmpty else {
            let hint = "weights and gradients are sampled every few steps while the UI trains"
            buffer.put(hint, x: area.x, y: area.y, style: theme.dim, clip: area)
            return
        }
        let index = min(max(0, selected), history.parameters.count - 1)
        let parameter = history.parameters[index]
        var y = area.y
        var x = buffer.put(parameter.name, x: area.x, y: y, style: theme.title, clip: area)
        x = buffer.put("  \(index + 1) of \(history.parameters.count)", x: x, y: y, style: theme.dim, clip: area)
        buffer.put("  sampled every \(history.every) steps", x: x, y: y, style: theme.dim, clip: area)
        y += 1

        // Rows: the two band charts share what the histograms and the dead-unit rows leave.
        let remaining = area.maxY - y
        let deadRows = history.deadUnits.isEmpty ? 0 : min(history.deadUnits.count + 1, max(0, remaining - 10))
        let histogramRows = remaining - deadRows >= 14 ? 4 : 0
        let chartRows = (remaining - deadRows - histogramRows) / 2
        guard chartRows >= 3 else {
            buffer.put("enlarge the terminal to see the distributions", x: area.x, y: y, style: theme.dim, clip: area)
            return
        }
        let weightsArea = Rect(x: area.x, y: y, width: area.width, height: chartRows)
        Bands(title: "weights", points: parameter.weights).render(in: weightsArea, buffer: &buffer, theme: theme)
        y += chartRows
        let gradsArea = Rect(x: area.x, y: y, width: area.width, height: chartRows)
        Bands(title: "grad", points: parameter.grads).render(in: gradsArea, buffer: &buffer, theme: theme)
        y += chartRows
        if histogramRows > 0 {
            let half = area.width / 2
            HistogramBars(title: "weights", bins: parameter.weightHistogram)
                .render(in: Rect(x: area.x, y: y, width: half - 1, height: histogramRows), buffer: &buffer, theme: theme)
            HistogramBars(title: "grad", bins: parameter.gradHistogram)
                .render(in: Rect(x: area.x + half + 1, y: y, width: area.width - half - 1, height: histogramRows),
                        buffer: &buffer, theme: theme)
            y += histogramRows
        }
        if deadRows > 0 {
            DeadUnitRows(series: history.deadUnits)
                .render(in: Rect(x: area.x, y: y, width: area.width, height: deadRows), buffer: &buffer, theme: theme)
        }
    }
}

/// One tensor's distribution over the sampled steps: the nine percentiles as nested bands.
struct Bands: Widget, Sendable {
    var title: String
    var points: [DistributionHistory.Point]

    func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        var x = buffer.put(title, x: area.x, y: area.y, style: theme.label, clip: area)
        guard let last = points.last else {
            buffer.put("  no samples yet (a gradient appears after the first backward)", x: x, y: area.y, style: theme.dim, clip: area)
            return
        }
        let v = last.values
        // Parts are added only whole: a clipped number would mislead.
        let parts: [[(String, Style)]] = [
            [("  median ", theme.dim), (Format.significant(v[4], 3), theme.chartMean)],
            [("  16–84% ", theme.dim), ("\(Format.significant(v[2], 3)) … \(Format.significant(v[6], 3))", theme.value)],
            [("  min ", theme.dim), (Format.significant(v[0], 3), theme.value)],
            [("  max ", theme.dim), (Format.significant(v[8], 3), theme.value)],
        ]
        for part in parts {
            guard x + part.reduce(0, { $0 + $1.0.count }) <= area.maxX else { break }
            for (text, style) in part { x = buffer.put(text, x: x, y: area.y, style: style, clip: area) }
        }

        let plotRows = area.height - 2
        guard plotRows >= 1 else { return }
        let finite = points.flatMap(\.values).filter(\.isFinite)
        guard var lo = finite.min(), var hi = finite.max() else { return }
        if hi / 2 - lo / 2 < 1e-12 {
            let pad = max(abs(hi) * 0.1, 1e-6)
            lo -= pad
            hi += pad
        }
        // Halves, so that a range wider than the largest Double still divides.
        let half = hi / 2 - lo / 2
        func fraction(_ v: Double) -> Double { (hi / 2 - v / 2) / half }
        let labels = [Format.significant(hi, 3), Format.significant(lo, 3)]
        let labelWidth = labels.map(\.count).max()! + 1
        let plot = Rect(x: area.x + labelWidth, y: area.y + 1, width: area.width - labelWidth, height: plotRows)
        guard plot.width >= 2 else { return }
        let s = theme.symbols
        for row in 0..<plotRows { buffer[plot.x - 1, plot.y + row] = Cell(s.vertical, style: theme.axis) }
        buffer.put(Format.padLeft(labels[0], labelWidth - 1), x: area.x, y: plot.y, style: theme.axis, clip: area)
        buffer.put(Format.padLeft(labels[1], labelWidth - 1), x: area.x, y: plot.maxY - 1, style: theme.axis, clip: area)
        let axisY = plot.maxY
        buffer[plot.x - 1, axisY] = Cell(s.braille ? "└" : "+", style: theme.axis)
        let first = "\(points.first!.step)"
        let lastLabel = "step \(last.step)"
        buffer.put(first, x: plot.x, y: axisY, style: theme.axis, clip: area)
        buffer.put(lastLabel, x: plot.maxX - lastLabel.count, y: axisY, style: theme.axis, clip: area)
        let middle = plot.x + first.count + 1
        let middleEnd = plot.maxX - lastLabel.count - 1
        if middleEnd > middle {
            buffer.fill(Rect(x: middle, y: axisY, width: middleEnd - middle, height: 1), with: s.horizontal, style: theme.axis)
        }

        var canvas = BrailleCanvas(columns: plot.width, rows: plot.height, braille: s.braille)
        let dotsX = canvas.dotsX
        let dotsY = canvas.dotsY
        // Without colour every band would be the same solid dots, so density shows the band instead:
        // min–max one dot in four, 7–93% one in two, the inner bands solid, and the median is a gap
        // cut through them. With colour every band is solid and the median is drawn on top.
        let stippled = !theme.colors
        // Dot row y covers the values around its centre; a dot is in band k when the value lies
        // between percentile k and percentile 8 − k.
        for column in 0..<dotsX {
            let p = points[min(points.count - 1, column * points.count / dotsX)].values
            let median = fraction(p[4]) * Double(dotsY)
            let medianRow = median.isFinite ? min(dotsY - 1, max(0, Int(min(1e9, max(-1e9, median)).rounded(.down)))) : nil
            for row in 0..<dotsY {
                let value = (hi / 2 - (Double(row) + 0.5) / Double(dotsY) * half) * 2
                var band = -1
                for k in 0..<4 where value >= p[k] && value <= p[8 - k] { band = k }
                guard band >= 0 else { continue }
                if stippled {
                    if row == medianRow { continue }
                    if band == 0 && (column + row) % 4 != 0 { continue }
                    if band == 1 && (column + row) % 2 != 0 { continue }
                }
                canvas.set(column, row, layer: band)
            }
            if !stippled, let medianRow { canvas.set(column, medianRow, layer: 4) }
        }
        canvas.render(into: &buffer, x: plot.x, y: plot.y, styles: Self.styles(theme))
    }

    /// Outer bands faint, inner ones strong, the median on top (TensorBoard's shading, in cells).
    static func styles(_ theme: Theme) -> [Style] {
        guard theme.colors else {
            return [Style(attributes: .dim), Style(attributes: .dim), .plain, Style(attributes: .bold), Style(attributes: .bold)]
        }
        return [Style(foreground: .blue, attributes: .dim), Style(foreground: .blue), Style(foreground: .cyan),
                Style(foreground: .cyan, attributes: .bold), Style(foreground: .yellow, attributes: .bold)]
    }
}

/// The latest histogram as columns of eighth-blocks, with its range and step.
struct HistogramBars: Widget, Sendable {
    var title: String
    var bins: DistributionHistory.Bins?

    static let blocks: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiBlocks: [Character] = [" ", ".", ".", ":", ":", "|", "|", "#", "#"]

    func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard let bins, !bins.counts.isEmpty, area.height >= 2 else {
            buffer.put("\(title) histogram: no sample yet", x: area.x, y: area.y, style: theme.dim, clip: area)
            return
        }
        let header = "\(title) @\(bins.step): \(Format.significant(bins.lower, 3)) … \(Format.significant(bins.upper, 3))"
        buffer.put(header, x: area.x, y: area.y, style: theme.label, clip: area)
        let rows = area.height - 1
        let width = area.width
        guard width >= 1 else { return }
        // Resample the buckets onto the columns (each column sums the buckets it covers).
        var columns = [Int](repeating: 0, count: width)
        for (i, count) in bins.counts.enumerated() {
            columns[min(width - 1, i * width / bins.counts.count)] += count
        }
        if width > bins.counts.count {
            columns = (0..<width).map { bins.counts[$0 * bins.counts.count / width] }
        }
        let tallest = max(1, columns.max()!)
        let glyphs = theme.symbols.braille ? Self.blocks : Self.asciiBlocks
        let style = theme.colors ? Style(foreground: .cyan) : .plain
        for (c, count) in columns.enumerated() {
            var eighths = count == 0 ? 0 : max(1, Int((Double(count) / Double(tallest) * Double(rows * 8)).rounded()))
            for r in (0..<rows).reversed() {
                let piece = min(8, eighths)
                eighths -= piece
                if piece > 0 { buffer[area.x + c, area.y + 1 + r] = Cell(glyphs[piece], style: style) }
            }
        }
    }
}

/// One row per layer: name, the dead fraction over time as a sparkline, and the latest value.
struct DeadUnitRows: Widget, Sendable {
    var series: [DistributionHistory.DeadUnits]

    func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        buffer.put("dead ReLU units: ≤ 0 for every sample of the batch (ReLU passes no gradient through them)",
                   x: area.x, y: area.y, style: theme.label, clip: area)
        let nameWidth = (series.map(\.layer.count).max() ?? 0) + 1
        let glyphs = theme.symbols.braille ? HistogramBars.blocks : HistogramBars.asciiBlocks
        for (i, s) in series.prefix(area.height - 1).enumerated() {
            let y = area.y + 1 + i
            buffer.put(s.layer, x: area.x, y: y, style: theme.module, clip: area)
            guard let latest = s.fractions.last else { continue }
            let value = "\(Format.fixed(latest * 100, 1))% of \(s.units)"
            let sparkWidth = max(0, area.width - nameWidth - value.count - 2)
            let shown = Array(s.fractions.suffix(sparkWidth))
            for (c, f) in shown.enumerated() {
                let level = f <= 0 ? 1 : max(1, min(8, Int((f * 8).rounded(.up))))
                buffer[area.x + nameWidth + c, y] = Cell(glyphs[level], style: Self.style(f, theme))
            }
            buffer.put(value, x: area.x + nameWidth + shown.count + 1, y: y, style: Self.style(latest, theme).adding(.bold), clip: area)
        }
    }

    /// A few dead units are normal; half of a layer dead is a warning; nearly all is a dead layer.
    static func style(_ fraction: Double, _ theme: Theme) -> Style {
        fraction >= 0.9 ? theme.bad : fraction >= 0.5 ? theme.warning : (theme.colors ? Style(foreground: .green) : .plain)
    }
}
