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
            "fc1.weight ███████████████████▋             1.27",
            "fc1.bias   ██▋                            0.0191",
            "fc3.bias                                    None",
            "           1e-2     1e-1     1      1e1",
        ])
    }

    @Test func accumulatedGradientsShowTheirGrowth() {
        let lines = rendered(width: 48, height: 4) {
            GradNorms(parameters: GradNormsTests.params, baseline: [0.3, 0.0191, nil], zeroGradEnabled: false, accumulated: 4, selected: 1).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            ".grad = sum of 4 backward passes",
            "fc1.weight ██████████▒▒▒▒▊           1.27   ×4.2",
            "fc1.bias   ██                      0.0191",
            "fc3.bias                             None",
        ])
        // The scale takes in the single-pass norms too, so the growth is measured on it.
        let scale = GradNorms.Scale(fitting: [1.27, 0.0191, 0.3])
        #expect(scale == GradNorms.Scale(low: -2, high: 1))
        #expect(scale.fraction(2.54) > scale.fraction(1.27) + 0.04)
        #expect(scale.fraction(0) == 0 && scale.fraction(Double.infinity) == 1 && scale.fraction(1e9) == 1)
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

    @Test func theScaleFitsTheDataInWholeDecades() {
        #expect(GradNorms.Scale(fitting: []) == GradNorms.Scale(low: -4, high: 2))
        #expect(GradNorms.Scale(fitting: [0, .nan, .infinity]) == GradNorms.Scale(low: -4, high: 2))
        #expect(GradNorms.Scale(fitting: [3.2e-6, 8.1e-5]) == GradNorms.Scale(low: -6, high: -4))
        #expect(GradNorms.Scale(fitting: [1]) == GradNorms.Scale(low: -2, high: 0))
        #expect(GradNorms.Scale(fitting: [5e-324, 1.7e308]).text == "1e-320…1e309")
        #expect(GradNorms.Scale(low: -6, high: -4).text == "1e-6…1e-4")
    }

    /// A converged model: every norm near 1e-5, and every bar still drawn on a scale that says so.
    @Test func aConvergedModelStillHasBars() {
        let tiny = [
            ParameterStats(name: "fc1.weight", shape: [120, 400], gradNorm: 3.2e-5, norm: 3),
            ParameterStats(name: "fc1.bias", shape: [120], gradNorm: 4.1e-6, norm: 1),
            ParameterStats(name: "fc3.bias", shape: [10], gradNorm: 8.8e-6, norm: 1),
        ]
        let lines = rendered(width: 48, height: 5) {
            GradNorms(parameters: tiny, baseline: [], zeroGradEnabled: true, accumulated: 1, selected: nil).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "‖.grad‖ per parameter, log scale",
            "fc1.weight █████████████████████▏       3.20e-05",
            "fc1.bias   ████████▋                    4.10e-06",
            "fc3.bias   █████████████▎               8.80e-06",
            "           1e-6          1e-5      1e-4",
        ])
    }

    /// A growth of millions still fits its column.
    @Test func hugeGrowthFitsItsColumn() {
        let grown = [ParameterStats(name: "fc1.weight", shape: [120, 400], gradNorm: 6.41e6, norm: 3)]
        let lines = rendered(width: 48, height: 3) {
            GradNorms(parameters: grown, baseline: [1.39], zeroGradEnabled: false, accumulated: 40, selected: nil)
                .render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(lines[1].hasSuffix("6.41e+06   ×5e6"))
        #expect(Format.ratio(4.6e3) == "×5e3")
        #expect(Format.ratio(9.6e3) == "×1e4")
        #expect(Format.ratio(4.24) == "×4.2")
        #expect(Format.ratio(42.4) == "×42")
        #expect(Format.ratio(.infinity) == "×inf")
        #expect(Format.ratio(2e300).count <= 6)
    }
}
