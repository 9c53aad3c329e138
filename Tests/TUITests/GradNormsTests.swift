import Testing
import Trainer
import TUI

/// The gradient norms panel: one bar per parameter on a log scale, growth with zero_grad off.
@Suite struct GradNormsTests {
    static let params = [
        ParameterStats(name: "fc1.weight", shape: [120, 400], gradNorm: 1.27, norm: 3),
        ParameterStats(name: "fc1.bias", shape: [120], gradNorm: 0.0191, norm: 1),
        ParameterStats(name: "fc3.bias", shape: [10], gradNorm: nil, norm: 1),
    ]

    @Test func gradientNormsOnALogScale() {
        let lines = rendered(width: 48, height: 5) {
            GradNorms(parameters: GradNormsTests.params, baseline: [], zeroGradEnabled: true, accumulated: 1, selected: nil).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(lines == [
            "‖.grad‖ per parameter, log scale",
            "fc1.weight ████████████████▍                1.27",
            "fc1.bias   █████████▏                     0.0191",
            "fc3.bias                                    None",
            "           1e-4    1e-2   1       1e2",
        ])
    }

    @Test func accumulatedGradientsShowTheirGrowth() {
        let lines = rendered(width: 48, height: 4) {
            GradNorms(parameters: GradNormsTests.params, baseline: [0.3, 0.0191, nil], zeroGradEnabled: false, accumulated: 4, selected: 1).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            ".grad = sum of 4 backward passes",
            "fc1.weight ██████████▒▒▎             1.27   ×4.2",
            "fc1.bias   ██████▉                 0.0191",
            "fc3.bias                             None",
        ])
        // Twice the norm is a visibly longer bar: the scale is fixed, not fitted to the largest value.
        #expect(GradNorms.fraction(2.54) > GradNorms.fraction(1.27) + 0.04)
        #expect(GradNorms.fraction(0) == 0 && GradNorms.fraction(.infinity) == 1 && GradNorms.fraction(1e9) == 1)
    }

    @Test func normsAreColouredByTheirDecade() {
        let b = renderedBuffer(width: 48, height: 5) {
            GradNorms(parameters: GradNormsTests.params, baseline: [], zeroGradEnabled: true, accumulated: 1, selected: 0).render(in: $0, buffer: &$1, theme: colorTheme)
        }
        #expect(style(of: "1.27", in: b) == Style(foreground: .yellow, attributes: .bold))
        #expect(style(of: "0.0191", in: b) == Style(foreground: .green, attributes: .bold))
        #expect(style(of: "None", in: b) == colorTheme.dim)
        #expect(style(of: "fc1.weight", in: b) == colorTheme.selected)
        #expect(style(of: "fc1.bias", in: b) == colorTheme.label)
        #expect(style(of: "█", in: b)?.foreground == .yellow)
    }
}
