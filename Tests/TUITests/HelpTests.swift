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

    /// A table that grows (the pages add their keys) loses the blank rows before any key.
    @Test func aLongTableDropsThePaddingFirst() {
        let entries = (1...21).map { (keys: "k\($0)", action: "action \($0)") }
        let lines = rendered(width: 80, height: 24) { Help(entries: entries).render(in: $0, buffer: &$1, theme: mono) }
        let text = lines.joined(separator: "\n")
        #expect(text.contains("k1 ") && text.contains("action 21"))
        #expect(lines[0].contains("Keys"))
        #expect(lines[1].contains("k1 "))
        let roomy = rendered(width: 80, height: 30) { Help(entries: entries).render(in: $0, buffer: &$1, theme: mono) }
        let top = roomy.firstIndex { $0.contains("Keys") }!
        #expect(roomy[top + 1].allSatisfy { $0 == " " || $0 == "│" })
        #expect(roomy[top + 2].contains("k1 "))
    }
}
