#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Trainer

public enum LossScale: Sendable, Equatable {
    case linear
    case log
}

/// The loss over the visible steps as a braille line chart: the raw loss (an envelope when
/// several steps share a column) under its moving average, with test accuracy on a 0–100%
/// right axis. The y axis fits what is visible, so zooming in on the last steps shows detail.
/// A frame costs O(visible steps) simple passes and no per-step allocation, so a history of
/// 100,000 steps still draws well inside a frame. Older steps come from the history's
/// per-bucket summaries (min, max, mean), which a column spanning many steps draws as it would
/// the raw values.
public struct LossChart: Widget, Sendable {
    /// Every loss so far, oldest first (step i + 1's loss at index i).
    public var losses: LossHistory
    public var accuracies: [AccuracyPoint]
    public var scale: LossScale
    /// Show only the last `window` steps (nil: all of them).
    public var window: Int?

    public init(losses: LossHistory, accuracies: [AccuracyPoint], scale: LossScale, window: Int?) {
        self.losses = losses
        self.accuracies = accuracies
        self.scale = scale
        self.window = window
    }

    /// The visible index range into the history.
    var visible: Range<Int> {
        let count = losses.count
        let start = window.map { max(0, count - $0) } ?? 0
        return start..<count
    }

    private func plottable(_ v: Double) -> Bool {
        v.isFinite && (scale == .linear || v > 0)
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard area.width >= 4, area.height >= 1 else { return }
        let range = visible
        let smoothing = Smoothing.window(forVisible: range.count)
        let accuracyShown = renderLegend(in: area.row(0), buffer: &buffer, theme: theme, smoothing: smoothing)
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        guard body.height >= 3 else { return }
        guard let (lo, hi) = yRange(range) else {
            let hint = range.isEmpty ? "no loss yet: space starts training, n runs one step" : "no finite loss to plot"
            for (i, line) in Format.wrap(hint, body.width - 2).prefix(body.height).enumerated() {
                buffer.put(line, x: body.x + max(0, (body.width - line.count) / 2), y: body.y + body.height / 2 + i, style: theme.dim, clip: body)
            }
            return
        }
        renderPlot(in: body, buffer: &buffer, theme: theme, range: range, smoothing: smoothing, lo: lo, hi: hi,
                   accuracy: accuracyShown)
    }

    /// The legend: the last loss, its moving average and the last test accuracy, in the longest
    /// wording that fits (fewer digits, then shorter labels). Parts are added only whole: a
    /// clipped "test acc 6" would mislead. Returns whether the accuracy is in it (its axis is
    /// drawn only then, never without its label).
    private func renderLegend(in line: Rect, buffer: inout ScreenBuffer, theme: Theme, smoothing: Int) -> Bool {
        let last = losses.last
        let mean = losses.isEmpty ? nil : losses.mean(endingAt: losses.count - 1, window: smoothing)
        func wording(_ digits: Int, mean meanLabel: String, accuracy accuracyLabel: String) -> [[(String, Style)]] {
            var parts: [[(String, Style)]] = [
                [("loss ", theme.label), (last.map { Format.significant($0, digits) } ?? "–", theme.emphasized(theme.chartRaw))],
                [(meanLabel, theme.label), (mean.map { Format.significant($0, digits) } ?? "–", theme.chartMean)],
            ]
            if let accuracy = accuracies.last {
                parts.append([(accuracyLabel, theme.label), (Format.percent(accuracy.accuracy), theme.emphasized(theme.chartAccuracy))])
            }
            return parts
        }
        func width(_ parts: [[(String, Style)]]) -> Int {
            parts.reduce(0) { $0 + $1.reduce(0) { $0 + $1.0.count } } + 2 * max(0, parts.count - 1)
        }
        let wordings = [
            wording(4, mean: "mean(\(smoothing)) ", accuracy: "test acc "),
            wording(3, mean: "mean(\(smoothing)) ", accuracy: "acc "),
            wording(3, mean: "mean ", accuracy: "acc "),
        ]
        let parts = wordings.first { width($0) <= line.width } ?? wordings[wordings.count - 1]
        var x = line.x
        var shown = 0
        for (i, part) in parts.enumerated() {
            let partWidth = part.reduce(0) { $0 + $1.0.count } + (i > 0 ? 2 : 0)
            guard x + partWidth <= line.maxX else { break }
            if i > 0 { x += 2 }
            for (text, style) in part {
                x = buffer.put(text, x: x, y: line.y, style: style, clip: line)
            }
            shown += 1
        }
        return !accuracies.isEmpty && shown == parts.count
    }

    /// The y range in plot space (log10 of the loss on a log scale), padded a little; nil when
    /// nothing in `range` can be plotted. The transform is monotonic, so only the extremes
    /// need transforming.
    func yRange(_ range: Range<Int>) -> (Double, Double)? {
        let (smallest, largest) = extremes(losses.summary(range))
        guard smallest.isFinite, largest.isFinite else { return nil }
        let lo = transform(smallest)
        let hi = transform(largest)
        if hi - lo < 1e-12 {
            let pad = scale == .log ? 0.1 : max(abs(hi) * 0.1, 1e-3)
            return (scale == .linear && lo >= 0 ? max(0, lo - pad) : lo - pad, hi + pad)
        }
        let pad = (hi - lo) * 0.05
        let bottom = scale == .linear && lo >= 0 ? max(0, lo - pad) : lo - pad
        return (bottom, hi + pad)
    }

    /// The smallest and largest plottable values of a summary (infinite when there are none).
    private func extremes(_ s: LossHistory.Summary) -> (Double, Double) {
        guard s.finiteCount > 0 else { return (.infinity, -.infinity) }
        if scale == .linear { return (s.min, s.max) }
        return s.max > 0 ? (s.minPositive, s.max) : (.infinity, -.infinity)
    }

    private func transform(_ v: Double) -> Double {
        scale == .log ? log10(v) : v
    }

    private func untransform(_ y: Double) -> Double {
        scale == .log ? pow(10, y) : y
    }
}

extension LossChart {
    private func renderPlot(in body: Rect, buffer: inout ScreenBuffer, theme: Theme, range: Range<Int>, smoothing: Int,
                            lo: Double, hi: Double, accuracy: Bool) {
        let plotRows = body.height - 1
        let labels = [untransform(hi), untransform((hi + lo) / 2), untransform(lo)].map { Format.significant($0, 3) }
        let labelWidth = labels.map(\.count).max()! + 1
        let showAccuracy = accuracy && body.width >= labelWidth + 20
        let rightWidth = showAccuracy ? 5 : 0
        let plot = Rect(x: body.x + labelWidth, y: body.y, width: body.width - labelWidth - rightWidth, height: plotRows)
        guard plot.width >= 2 else { return }
        renderAxes(body: body, plot: plot, labels: labels, labelWidth: labelWidth, range: range, showAccuracy: showAccuracy, buffer: &buffer, theme: theme)

        var canvas = BrailleCanvas(columns: plot.width, rows: plot.height, braille: theme.symbols.braille)
        let dotsX = canvas.dotsX
        let dotsY = canvas.dotsY
        func dotY(_ v: Double) -> Int? {
            guard plottable(v) else { return nil }
            let t = (transform(v) - lo) / (hi - lo)
            // A range too wide for a Double (±1e308) gives no position rather than a wild one.
            guard t.isFinite else { return nil }
            return Int(((1 - min(2, max(-1, t))) * Double(dotsY - 1)).rounded())
        }
        let start = range.lowerBound
        let n = range.count
        let rawLayer = 0
        let accuracyLayer = 1
        let meanLayer = 2
        if n <= dotsX {
            func dotX(_ i: Int) -> Int { n == 1 ? 0 : Int((Double(i) * Double(dotsX - 1) / Double(n - 1)).rounded()) }
            let lead = max(0, start - smoothing + 1)
            let means = Smoothing.movingAverage(losses.values(lead..<range.upperBound), window: smoothing)
            plotLine(&canvas, count: n, x: dotX, y: { dotY(losses.point(start + $0)) }, layer: rawLayer)
            plotLine(&canvas, count: n, x: dotX, y: { dotY(means[start - lead + $0]) }, layer: meanLayer)
        } else {
            // Several steps per dot column: the raw loss as its min–max envelope, the mean
            // sampled at each column's last step.
            for c in 0..<dotsX {
                let a = start + c * n / dotsX
                let b = start + max(c * n / dotsX + 1, (c + 1) * n / dotsX)
                let (smallest, largest) = extremes(losses.summary(a..<b))
                if let top = dotY(largest), let bottom = dotY(smallest) {
                    canvas.line(c, top, c, bottom, layer: rawLayer)
                }
            }
            plotLine(&canvas, count: dotsX, x: { $0 }, y: { c in
                let end = start + min(n - 1, max(c * n / dotsX, (c + 1) * n / dotsX - 1))
                return dotY(losses.mean(endingAt: end, window: smoothing))
            }, layer: meanLayer)
        }
        if showAccuracy {
            let points = accuracies.compactMap { p -> (Int, Int)? in
                let i = p.step - 1 - start
                guard i >= 0, i < n, p.accuracy.isFinite else { return nil }
                let x = n == 1 ? 0 : i * (dotsX - 1) / (n - 1)
                let y = Int(((1 - min(1, max(0, p.accuracy))) * Double(dotsY - 1)).rounded())
                return (x, y)
            }
            plotLine(&canvas, count: points.count, x: { points[$0].0 }, y: { points[$0].1 }, layer: accuracyLayer)
        }
        canvas.render(into: &buffer, x: plot.x, y: plot.y, styles: [theme.chartRaw, theme.chartAccuracy, theme.chartMean])
    }

    /// Labels at the top, middle and bottom rows; the x axis with the first and last step.
    private func renderAxes(body: Rect, plot: Rect, labels: [String], labelWidth: Int, range: Range<Int>, showAccuracy: Bool, buffer: inout ScreenBuffer, theme: Theme) {
        let s = theme.symbols
        let plotRows = plot.height
        for y in 0..<plotRows {
            buffer[plot.x - 1, plot.y + y] = Cell(s.vertical, style: theme.axis)
        }
        let labelRows = [0, plotRows / 2, plotRows - 1]
        for (i, row) in labelRows.enumerated() where plotRows >= 3 || i != 1 {
            buffer.put(Format.padLeft(labels[i], labelWidth - 1), x: body.x, y: plot.y + row, style: theme.axis, clip: body)
        }
        let axisY = plot.maxY
        buffer[plot.x - 1, axisY] = Cell(s.braille ? "└" : "+", style: theme.axis)
        let firstLabel = "\(range.lowerBound + 1)"
        let lastLabel = "step \(range.upperBound)"
        buffer.put(firstLabel, x: plot.x, y: axisY, style: theme.axis, clip: body)
        buffer.put(lastLabel, x: plot.maxX - lastLabel.count, y: axisY, style: theme.axis, clip: body)
        let middle = plot.x + firstLabel.count + 1
        let middleEnd = plot.maxX - lastLabel.count - 1
        if middleEnd > middle {
            buffer.fill(Rect(x: middle, y: axisY, width: middleEnd - middle, height: 1), with: s.horizontal, style: theme.axis)
        }
        if showAccuracy {
            buffer.put(" 100%", x: plot.maxX, y: plot.y, style: theme.chartAccuracy, clip: body)
            buffer.put("   0%", x: plot.maxX, y: plot.maxY - 1, style: theme.chartAccuracy, clip: body)
        }
    }

    /// Joins consecutive points; a missing (non-finite) point breaks the line.
    private func plotLine(_ canvas: inout BrailleCanvas, count: Int, x: (Int) -> Int, y: (Int) -> Int?, layer: Int) {
        var previous: (Int, Int)? = nil
        for i in 0..<count {
            guard let py = y(i) else {
                previous = nil
                continue
            }
            let px = x(i)
            if let (qx, qy) = previous {
                canvas.line(qx, qy, px, py, layer: layer)
            } else {
                canvas.set(px, py, layer: layer)
            }
            previous = (px, py)
        }
    }
}
