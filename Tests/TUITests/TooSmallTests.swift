import Testing
import Trainer
import TUI

/// Below 80×24 the screen says so instead of squashing the panels.
@Suite struct TooSmallTests {
    @Test func tooSmallSaysSo() {
        let lines = rendered(width: 40, height: 5) { TooSmall(width: 40, height: 5).render(in: $0, buffer: &$1, theme: mono) }
        expectLines(lines, [
            "",
            "  terminal too small: 40×5. blitz-tui",
            "needs at least 80×24. Resize, or press q",
            "                to quit.",
            "",
        ])
    }

    @Test func theSizeLineIsAWarning() {
        let b = renderedBuffer(width: 40, height: 5) { TooSmall(width: 40, height: 5).render(in: $0, buffer: &$1, theme: colorTheme) }
        #expect(style(of: "terminal too small", in: b) == colorTheme.warning)
        #expect(style(of: "to quit", in: b) == colorTheme.text)
    }
}
