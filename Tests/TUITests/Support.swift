import Testing
import Trainer
import TUI

/// Monochrome UTF-8 and ASCII themes: what tests compare (colour only changes styles).
let mono = Theme(colors: false, ascii: false)
let asciiTheme = Theme(colors: false, ascii: true)

/// Renders with `draw` into a fresh buffer and returns its lines, trailing blanks trimmed.
func rendered(width: Int, height: Int, theme: Theme = mono, _ draw: (Rect, inout ScreenBuffer) -> Void) -> [String] {
    var buffer = ScreenBuffer(width: width, height: height, ascii: theme.symbols == .ascii)
    draw(buffer.area, &buffer)
    return buffer.lines()
}

/// Compares rendered lines with the expected ones, reporting a line diff on failure.
func expectLines(_ actual: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual == expected, Comment(rawValue: "\n" + diff(actual, expected)), sourceLocation: sourceLocation)
}

/// A line diff for failure messages, like swift-argument-parser's: expected and actual side by side.
func diff(_ actual: [String], _ expected: [String]) -> String {
    var out = ""
    for i in 0..<max(actual.count, expected.count) {
        let a = i < actual.count ? actual[i] : "<none>"
        let e = i < expected.count ? expected[i] : "<none>"
        out += (a == e ? "  " : "✗ ") + a + (a == e ? "" : "\n  expected: " + e) + "\n"
    }
    return out
}
