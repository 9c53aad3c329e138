import Testing
import Trainer
import TUI

/// The `?` overlay: the key table's rows.
@Suite struct HelpTests {
    /// Each row of the overlay is one binding of the key table: its keys at the start of the key
    /// column and its description beside them, on the same row; the contract's keys each start a row.
    @Test func helpListsEveryKeyOfTheContract() {
        let entries = KeyMap.help
        let lines = rendered(width: 120, height: entries.count + 6) { Help().render(in: $0, buffer: &$1, theme: mono) }
        // The rows between the box's borders, without the border and the one-column margin.
        let rows = lines.compactMap { line -> String? in
            guard let open = line.firstIndex(of: "│"), let close = line.lastIndex(of: "│"), open < close else { return nil }
            return String(line[line.index(after: open)..<close]).dropFirst().description
        }
        let keyWidth = entries.map(\.keys.count).max() ?? 0
        for entry in entries {
            let row = rows.first { $0.hasPrefix(entry.keys) && $0.contains(entry.action) }
            #expect(row != nil, "no row with '\(entry.keys)' then '\(entry.action)'")
            if let row {
                // The description starts right after the key column, not somewhere further along.
                let description = row.dropFirst(keyWidth + 2)
                #expect(description.hasPrefix(entry.action), "'\(entry.action)' misplaced in '\(row)'")
            }
        }
        let keyColumns = rows.map { String($0.prefix(keyWidth)) }
        for key in ["space", "n", "b", "f", "z", "+  -", "tab", "?", "q", "<", "r"] {
            #expect(keyColumns.contains { $0.hasPrefix(key + " ") || $0 == key || $0.hasPrefix(key) && $0.dropFirst(key.count).first == " " },
                    "no help row starts with '\(key)'")
        }
        #expect(rows.contains { $0.hasPrefix("space") && $0.contains("pause / resume training") })
        #expect(rows.contains { $0.hasPrefix("q") && $0.contains("quit") })
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
