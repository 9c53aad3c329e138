import Testing
import Trainer
import TUI

/// Block: a panel's border, title and badge.
@Suite struct BlockTests {
    @Test func blockDrawsBorderTitleAndBadge() {
        let lines = rendered(width: 30, height: 4) { Block(title: "Loss", badge: "log", focused: true).render(in: $0, buffer: &$1, theme: mono) }
        expectLines(lines, [
            "╭ Loss ───────────────── log ╮",
            "│                            │",
            "│                            │",
            "╰────────────────────────────╯",
        ])
        let ascii = rendered(width: 12, height: 3, theme: asciiTheme) { Block(title: "Graph").render(in: $0, buffer: &$1, theme: asciiTheme) }
        #expect(ascii == ["+ Graph ---+", "|          |", "+----------+"])
        // Too small for a border: nothing drawn, an empty inner area.
        var b = ScreenBuffer(width: 1, height: 1)
        #expect(Block(title: "x").draw(in: b.area, buffer: &b, theme: mono).isEmpty)
    }

    static let params = [
        ParameterStats(name: "fc1.weight", shape: [120, 400], gradNorm: 1.27, norm: 3),
        ParameterStats(name: "fc1.bias", shape: [120], gradNorm: 0.0191, norm: 1),
        ParameterStats(name: "fc3.bias", shape: [10], gradNorm: nil, norm: 1),
    ]

    @Test func theFocusedBorderIsBoldAndColoured() {
        let focused = renderedBuffer(width: 20, height: 3) { Block(title: "Loss", focused: true).render(in: $0, buffer: &$1, theme: colorTheme) }
        #expect(focused[0, 1].style == colorTheme.borderFocused)
        #expect(focused[0, 1].style.attributes.contains(.bold))
        #expect(style(of: "Loss", in: focused) == colorTheme.borderFocused)
        let plain = renderedBuffer(width: 20, height: 3) { Block(title: "Loss", badge: "3 passes", badgeStyle: .alert).render(in: $0, buffer: &$1, theme: colorTheme) }
        #expect(plain[0, 1].style == colorTheme.border)
        #expect(style(of: "Loss", in: plain) == colorTheme.title)
        #expect(style(of: "3 passes", in: plain) == colorTheme.bad)
    }
}
