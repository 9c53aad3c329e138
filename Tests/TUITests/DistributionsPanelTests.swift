import Testing
import Trainer
import TUI

/// The Distributions page: percentile bands over steps, the latest histograms, dead ReLU units.
@Suite struct DistributionsPanelTests {
    /// Three samples of fc1.weight spreading out, a gradient shrinking, two layers' dead units.
    static func history() -> DistributionHistory {
        var h = DistributionHistory(every: 10, parameterNames: ["conv1.weight", "fc1.weight"])
        for (i, step) in [10, 20, 30].enumerated() {
            let spread = Double(i + 1)
            let weights = (0..<200).map { (Double($0) - 99.5) / 100 * spread }
            let (wp, wb) = DistributionHistory.summarise(weights, step: step, binCount: 8)!
            h.parameters[1].weights.append(wp)
            h.parameters[1].weightHistogram = wb
            let grads = (0..<200).map { Double($0 % 7) / (spread * 10) }
            let (gp, gb) = DistributionHistory.summarise(grads, step: step, binCount: 8)!
            h.parameters[1].grads.append(gp)
            h.parameters[1].gradHistogram = gb
        }
        var conv1 = DistributionHistory.DeadUnits(layer: "conv1", units: 1176)
        conv1.steps = [10, 20, 30]
        conv1.fractions = [0, 0.25, 0.5]
        var fc1 = DistributionHistory.DeadUnits(layer: "fc1", units: 120)
        fc1.steps = [10, 20, 30]
        fc1.fractions = [0.1, 0.95, 1]
        h.deadUnits = [conv1, fc1]
        return h
    }

    @Test func percentilesFromBuckets() throws {
        let values = (0..<1001).map { Double($0) / 1000 }
        let (point, bins) = try #require(DistributionHistory.summarise(values, step: 5, binCount: 4))
        #expect(point.step == 5)
        #expect(point.values.first == 0 && point.values.last == 1)
        for (p, v) in zip(DistributionHistory.percentiles, point.values) {
            #expect(abs(v - p / 100) < 0.002, "percentile \(p): \(v)")
        }
        #expect(bins.counts == [250, 250, 250, 251])
        #expect(DistributionHistory.summarise([.nan], step: 1) == nil)
    }

    /// Monochrome: density tells the bands apart (min–max one dot in four, 7–93% one in two, the
    /// inner bands solid) and the median is a gap through them, as in the weights chart's third row.
    @Test func pageText() {
        let lines = rendered(width: 44, height: 20) {
            DistributionsPanel(history: Self.history(), selected: 1).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "fc1.weight  2 of 2  sampled every 10 steps",
            "weights  median -0.0146  16–84% -2.05 … 2.05",
            " 2.99│             ⢀⢀⢀⢀⢀⢀⢀⢀⢀⢀⢀⢀⢰⣵⣴⣵⣴⣵⣴⣵⣴⣵⣴⣵⣴",
            "     │⣤⣴⣤⣴⣤⣴⣤⣴⣤⣴⣤⣴⣤⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿",
            "     │⠒⠖⠒⠖⠒⠖⠒⠖⠒⠖⠒⠖⠒⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶⣶",
            "-2.99│             ⠁⠁⠁⠁⠁⠁⠁⠁⠁⠁⠁⠁⠙⢟⠟⢟⠟⢟⠟⢟⠟⢟⠟⢟⠟",
            "     └10 ─────────────────────────── step 30",
            "grad  median 0.100  16–84% 0.0333 … 0.167",
            "0.600│⣕⣕⣕⣕⣕⣕⣕⣕⣕⣕⣕⣕⣕",
            "     │⠿⠿⠿⠿⠿⠿⠿⠿⠿⠿⠿⠿⠿",
            "     │⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⠷⠷⠷⠷⠷⠷⠷⠷⠷⠷⠷⠷⢇⢀⢀⢀⢀⢀⢀⢀⢀⢀⢀⢀⢀",
            "    0│⢝⢝⢝⢝⢝⢝⢝⢝⢝⢝⢝⢝⢝⢿⢿⢿⢿⢿⢿⢿⢿⢿⢿⢿⢿⢯⢭⢭⢭⢭⢭⢭⢭⢭⢭⢭⢭⢭",
            "     └10 ─────────────────────────── step 30",
            "weights @30: -2.99 …   grad @30: 0 … 0.200",
            "█████████████████████  ████████   ███▇▇▇▇▇▇▇",
            "█████████████████████  ████████   ██████████",
            "█████████████████████  ████████   ██████████",
            "dead ReLU units: ≤ 0 for every sample of the",
            "conv1 ▁▂▄ 50.0% of 1176",
            "fc1   ▁██ 100.0% of 120",
        ])
    }

    @Test func stylesShowTheBandsAndTheDeadLayers() {
        let buffer = renderedBuffer(width: 44, height: 20) {
            DistributionsPanel(history: Self.history(), selected: 1).render(in: $0, buffer: &$1, theme: colorTheme)
        }
        #expect(style(of: "100.0%", in: buffer) == colorTheme.bad.adding(.bold))
        #expect(style(of: "50.0%", in: buffer) == colorTheme.warning.adding(.bold))
        #expect(style(of: "-0.0146", in: buffer) == colorTheme.chartMean)
        // The plot's cells: the median in yellow on top, the bands from faint blue to bold cyan.
        var styles: [Style] = []
        for y in 2...5 {
            for x in 6..<44 where !styles.contains(buffer[x, y].style) { styles.append(buffer[x, y].style) }
        }
        #expect(styles.contains(Style(foreground: .yellow, attributes: .bold)))
        #expect(styles.contains(Style(foreground: .cyan, attributes: .bold)))
        #expect(styles.contains(Style(foreground: .blue)))
    }

    @Test func withoutSamplesAHint() {
        let lines = rendered(width: 80, height: 6) {
            DistributionsPanel(history: nil, selected: 0).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(lines.first == "weights and gradients are sampled every few steps while the UI trains")
        let empty = rendered(width: 80, height: 12) {
            DistributionsPanel(history: DistributionHistory(every: 10, parameterNames: ["fc1.weight"]), selected: 5)
                .render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(empty[0] == "fc1.weight  1 of 1  sampled every 10 steps")
        #expect(empty[1] == "weights  no samples yet (a gradient appears after the first backward)")
    }
}

/// The page fed every awkward Double: it stays inside its rectangle and prints no raw nan/inf.
@Suite struct DistributionsPanelExtremeTests {
    @Test(arguments: [(2, 1, 50, 24), (0, 0, 20, 3), (1, 1, 30, 12)])
    func staysInsideWithAnyDouble(x: Int, y: Int, width: Int, height: Int) throws {
        var history = DistributionHistory(every: 1, parameterNames: ["w"])
        let nasty = ExtremeValueTests.nasty
        for step in 1...3 {
            let (point, bins) = try #require(DistributionHistory.summarise(nasty, step: step))
            #expect(point.values.allSatisfy { $0.isFinite })
            history.parameters[0].weights.append(point)
            history.parameters[0].weightHistogram = bins
            history.parameters[0].grads.append(.init(step: step, values: nasty.prefix(9).map { $0 }))
        }
        var dead = DistributionHistory.DeadUnits(layer: "fc1", units: 3)
        dead.steps = [1, 2]
        dead.fractions = [0, 1]
        history.deadUnits = [dead]
        let rect = Rect(x: x, y: y, width: width, height: height)
        let buffer = ExtremeValueTests.renderInside(rect) {
            DistributionsPanel(history: history, selected: 0).render(in: $0, buffer: &$1, theme: colorTheme)
        }
        ExtremeValueTests.expectNothingOutside(rect, buffer, "DistributionsPanel")
        ExtremeValueTests.expectReadable(rect, buffer, "DistributionsPanel")
    }
}
