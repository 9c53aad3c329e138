import Testing
import Trainer
import TUI

/// The `?` overlay: the key table's rows.
@Suite struct HelpTests {
    @Test func helpListsEveryKeyOfTheContract() {
        let lines = rendered(width: 100, height: 24) { Help().render(in: $0, buffer: &$1, theme: mono) }
        let text = lines.joined(separator: "\n")
        for key in ["space", "n ", "b ", "z ", "+  -", "tab", "↑ ↓", "enter", "l ", "?", "q "] {
            #expect(text.contains("│ " + key) || text.contains(key), "\(key)")
        }
        #expect(text.contains("pause / resume training"))
        #expect(text.contains("one backward node"))
        #expect(text.contains("zero_grad on / off"))
        #expect(text.contains("quit"))
    }

    @Test func keysAreStyledAsKeys() {
        let b = renderedBuffer(width: 100, height: 30) { Help().render(in: $0, buffer: &$1, theme: colorTheme) }
        #expect(style(of: "space", in: b) == colorTheme.key)
        #expect(style(of: "pause / resume training", in: b) == colorTheme.text)
        #expect(style(of: "Keys", in: b) == colorTheme.borderFocused)
    }
}
