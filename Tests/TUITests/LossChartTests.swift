import Testing
import Trainer
import TUI

/// The loss chart: braille curves, axes that fit the visible window, the accuracy axis.
@Suite struct LossChartTests {
    @Test func lossChartWithAxes() {
        let lines = rendered(width: 24, height: 7) {
            LossChart(losses: LossHistory([4, 3, 2, 1]), accuracies: [], scale: .linear, window: nil).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "loss 1.00  mean(1) 1.00",
            " 4.15│⠢⢄⡀",
            "     │  ⠈⠑⠢⢄⣀",
            " 2.50│       ⠉⠒⠤⣀",
            "     │           ⠉⠒⠤⣀",
            "0.850│               ⠉⠒⠤",
            "     └1 ───────── step 4",
        ])
        let ascii = rendered(width: 24, height: 7, theme: asciiTheme) {
            LossChart(losses: LossHistory([4, 3, 2, 1]), accuracies: [], scale: .log, window: nil).render(in: $0, buffer: &$1, theme: asciiTheme)
        }
        expectLines(ascii, [
            "loss 1.00  mean(1) 1.00",
            " 4.29|--...",
            "     |     ''-..",
            " 2.00|          '-.",
            "     |             '-.",
            "0.933|                '-",
            "     +1 --------- step 4",
        ])
    }

    @Test func lossChartRescalesToTheVisibleWindow() {
        // A huge first loss, then small ones: zoomed to the last 100 steps, the axis fits those.
        var values = [1000.0]
        values += (0..<999).map { 0.5 + Double($0 % 10) / 100 }
        let chart = LossChart(losses: LossHistory(values), accuracies: [], scale: .linear, window: 100)
        let lines = rendered(width: 40, height: 8) { chart.render(in: $0, buffer: &$1, theme: mono) }
        #expect(lines[1].hasPrefix("0.594│"))
        #expect(lines[6].hasPrefix("0.496│"))
        #expect(lines[7].hasSuffix("step 1000"))
        #expect(lines[7].contains("901"))
    }

    @Test func lossChartWithoutData() {
        let lines = rendered(width: 40, height: 6) {
            LossChart(losses: LossHistory(), accuracies: [], scale: .log, window: nil).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(lines[0] == "loss –  mean(1) –")
        #expect(lines.contains { $0.contains("no loss yet") })
        let infinite = rendered(width: 40, height: 6) {
            LossChart(losses: LossHistory([.infinity, .nan]), accuracies: [], scale: .linear, window: nil).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(infinite.contains { $0.contains("no finite loss to plot") })
    }

    @Test func seriesAndLegendHaveTheirColours() {
        let chart = LossChart(losses: Fake.losses(900), accuracies: [AccuracyPoint(step: 450, epoch: 1, accuracy: 0.5)],
                              scale: .linear, window: nil)
        let b = renderedBuffer(width: 60, height: 10) { chart.render(in: $0, buffer: &$1, theme: colorTheme) }
        #expect(style(of: "loss ", in: b) == colorTheme.label)
        #expect(style(of: "test acc ", in: b) == colorTheme.label)
        #expect(style(of: "50.0%", in: b) == colorTheme.chartAccuracy.adding(.bold))
        #expect(style(of: "100%", in: b) == colorTheme.chartAccuracy)
        let curve = (0..<b.height).flatMap { y in (0..<b.width).map { b[$0, y] } }.filter { $0.character.unicodeScalars.first!.value >= 0x2801 && $0.character.unicodeScalars.first!.value <= 0x28FF }
        #expect(curve.contains { $0.style == colorTheme.chartMean })
        #expect(curve.contains { $0.style == colorTheme.chartRaw })
    }

    /// The accuracy's 100%/0% axis is drawn only with its label; a narrow legend words itself
    /// shorter rather than drop the label (80×24 gives the chart 38 columns).
    @Test func theAccuracyAxisNeverLosesItsLabel() {
        let chart = LossChart(losses: Fake.losses(1200), accuracies: [AccuracyPoint(step: 900, epoch: 2, accuracy: 0.636)],
                              scale: .linear, window: nil)
        let wide = rendered(width: 60, height: 6) { chart.render(in: $0, buffer: &$1, theme: mono) }
        #expect(wide[0] == "loss 0.8465  mean(60) 0.7939  test acc 63.6%")
        #expect(wide[1].hasSuffix("100%"))
        let compact = rendered(width: 38, height: 6) { chart.render(in: $0, buffer: &$1, theme: mono) }
        #expect(compact[0] == "loss 0.847  mean(60) 0.794  acc 63.6%")
        #expect(compact[1].hasSuffix("100%"))
        let tighter = rendered(width: 34, height: 6) { chart.render(in: $0, buffer: &$1, theme: mono) }
        #expect(tighter[0] == "loss 0.847  mean 0.794  acc 63.6%")
        #expect(tighter[1].hasSuffix("100%"))
        let narrow = rendered(width: 30, height: 6) { chart.render(in: $0, buffer: &$1, theme: mono) }
        #expect(narrow[0] == "loss 0.847  mean 0.794")
        #expect(!narrow.joined().contains("100%") && !narrow.joined().contains("0%"))
    }
}
