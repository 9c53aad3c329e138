import Testing
import Trainer
import TUI

@Suite struct ASCIIFoldTests {
    @Test func everyExplanationAndHelpLineHasAnASCIISpelling() {
        let texts = Array(NodeExplanations.table.values) + KeyMap.help.map { $0.keys + " " + $0.action }
            + [NodeExplanations.explain("UnknownBackward0")]
        for text in texts {
            var b = ScreenBuffer(width: 400, height: 1, ascii: true)
            b.put(text, x: 0, y: 0)
            let line = b.line(0)
            #expect(line.allSatisfy { $0.isASCII })
            #expect(!line.contains("?") || text.contains("?"), "\(text) → \(line)")
        }
    }
}
