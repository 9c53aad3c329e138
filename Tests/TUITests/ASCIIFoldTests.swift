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

@Suite struct MultiplicationFoldTests {
    /// Products are written with the dot operator ⋅ and separators with the middle dot ·, so in
    /// ASCII a product stays a product ("0.9*buf") and never reads as a decimal ("0.9.buf").
    @Test func productsFoldToAStarAndSeparatorsToADot() {
        var b = ScreenBuffer(width: 60, height: 1, ascii: true)
        b.put("buf = 0.9⋅(-0.03081) + 0.0058 · step 3", x: 0, y: 0)
        #expect(b.line(0).hasPrefix("buf = 0.9*(-0.03081) + 0.0058 . step 3"))
    }

    @Test func theOptimizerAndNodeTextsUseTheDotOperatorForProducts() {
        for text in NodeExplanations.table.values {
            #expect(!text.contains("·"), "\(text) writes a product with the middle dot")
        }
    }
}
