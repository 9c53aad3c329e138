import Testing
import Trainer
import TUI

/// Charts and number formats fed every awkward Double (±max, subnormals, ±0, NaN, ±inf): each
/// widget stays inside the rectangle it was given, its labels are readable, and every number
/// format keeps to its width.
@Suite struct ExtremeValueTests {
    static let nasty: [Double] = [1.7e308, -1.7e308, 5e-324, -5e-324, 0, -0.0, .nan, .infinity, -.infinity, 1e-300, 42]
    static let sentinel: Character = "#"

    /// Renders into `rect` of a larger buffer filled with a sentinel, and returns the buffer.
    static func renderInside(_ rect: Rect, _ draw: (Rect, inout ScreenBuffer) -> Void) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: rect.x + rect.width + 3, height: rect.y + rect.height + 2, ascii: false)
        for y in 0..<buffer.height {
            _ = buffer.put(String(repeating: String(sentinel), count: buffer.width), x: 0, y: y)
        }
        draw(rect, &buffer)
        return buffer
    }

    /// Nothing outside `rect` changed.
    static func expectNothingOutside(_ rect: Rect, _ buffer: ScreenBuffer, _ what: String) {
        for y in 0..<buffer.height {
            let line = Array(buffer.line(y, trimmed: false))
            for (x, c) in line.enumerated() where !rect.contains(x: x, y: y) {
                #expect(c == sentinel, "\(what) drew '\(c)' at (\(x), \(y)) outside \(rect)")
                if c != sentinel { return }
            }
        }
    }

    /// Text inside the widget that a person could not read: a NaN or infinity printed raw, or a
    /// control character.
    static func expectReadable(_ rect: Rect, _ buffer: ScreenBuffer, _ what: String) {
        for y in rect.y..<(rect.y + rect.height) {
            let line = buffer.line(y, trimmed: false)
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(what): control character")
            #expect(!line.contains("-nan") && !line.contains("nan(") && !line.contains("inf."), "\(what): \(line)")
        }
    }

    @Test(arguments: [(2, 1, 50, 10), (0, 0, 12, 4), (3, 2, 80, 20), (1, 1, 6, 3)])
    func chartsStayInsideTheirRectWithAnyDouble(x: Int, y: Int, width: Int, height: Int) {
        let rect = Rect(x: x, y: y, width: width, height: height)
        let accuracies = [AccuracyPoint(step: 3, epoch: 1, accuracy: .nan), AccuracyPoint(step: 4, epoch: 1, accuracy: 7)]
        for scale in [LossScale.linear, .log] {
            for window in [nil, 2] as [Int?] {
                let chart = LossChart(losses: LossHistory(Self.nasty), accuracies: accuracies, scale: scale, window: window)
                let buffer = Self.renderInside(rect) { chart.render(in: $0, buffer: &$1, theme: colorTheme) }
                Self.expectNothingOutside(rect, buffer, "LossChart \(scale) \(window as Any)")
                Self.expectReadable(rect, buffer, "LossChart")
            }
        }
        let params = Self.nasty.enumerated().map {
            ParameterStats(name: "p\($0.offset)", shape: [1], gradNorm: $0.element, norm: $0.element)
        }
        let norms = GradNorms(parameters: params, baseline: Self.nasty, zeroGradEnabled: false, accumulated: 2, selected: 3)
        let buffer = Self.renderInside(rect) { norms.render(in: $0, buffer: &$1, theme: colorTheme) }
        Self.expectNothingOutside(rect, buffer, "GradNorms")
        Self.expectReadable(rect, buffer, "GradNorms")
    }

    /// The formats' promises, for every awkward value: scientific(v, d) fits "-1.20e-308"'s width,
    /// significant and trimmed stay short, and none prints a raw NaN or infinity spelling.
    @Test func numberFormatsKeepTheirWidths() {
        for v in Self.nasty {
            let scientific = Format.scientific(v, 2)
            #expect(scientific.count <= "-1.20e-308".count, "scientific(\(v)) = \(scientific)")
            let significant = Format.significant(v)
            #expect(significant.count <= 10, "significant(\(v)) = \(significant)")
            let trimmed = Format.trimmed(v)
            #expect(trimmed.count <= 10, "trimmed(\(v)) = \(trimmed)")
            for text in [scientific, significant, trimmed] {
                #expect(!text.isEmpty)
                #expect(v.isNaN == text.lowercased().contains("nan"), "\(v) → \(text)")
                #expect(v.isInfinite == text.contains("inf"), "\(v) → \(text)")
            }
            if v.isFinite {
                #expect(Double(scientific).map { abs($0 - v) <= abs(v) * 0.01 } ?? false, "scientific(\(v)) = \(scientific)")
            }
        }
    }
}
