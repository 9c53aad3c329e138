import Testing
import Trainer
import TUI

@Suite struct ExtremeValueTests {
    @Test func chartsSurviveAnyDouble() {
        let nasty: [Double] = [1.7e308, -1.7e308, 5e-324, -5e-324, 0, .nan, .infinity, -.infinity, 1e-300, 42]
        for scale in [LossScale.linear, .log] {
            for window in [nil, 2] as [Int?] {
                let chart = LossChart(losses: LossHistory(nasty), accuracies: [AccuracyPoint(step: 3, epoch: 1, accuracy: .nan), AccuracyPoint(step: 4, epoch: 1, accuracy: 7)], scale: scale, window: window)
                let lines = rendered(width: 50, height: 10) { chart.render(in: $0, buffer: &$1, theme: mono) }
                #expect(lines.count == 10)
            }
        }
        let params = nasty.enumerated().map { ParameterStats(name: "p\($0.offset)", shape: [1], gradNorm: $0.element, norm: $0.element) }
        let lines = rendered(width: 60, height: 12) {
            GradNorms(parameters: params, baseline: nasty, zeroGradEnabled: false, accumulated: 2, selected: 3).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(lines.count == 12)
        for v in nasty {
            _ = Format.significant(v)
            _ = Format.trimmed(v)
            _ = Format.scientific(v, 2)
            _ = Format.fixed(v, 3)
        }
    }
}
