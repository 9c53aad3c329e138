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

/// The colour theme, for assertions on what a cell looks like.
let colorTheme = Theme(colors: true, ascii: false)

/// Renders with `draw` into a fresh buffer and returns the buffer (text and styles).
func renderedBuffer(width: Int, height: Int, theme: Theme = colorTheme, _ draw: (Rect, inout ScreenBuffer) -> Void) -> ScreenBuffer {
    var buffer = ScreenBuffer(width: width, height: height, ascii: theme.symbols == .ascii)
    draw(buffer.area, &buffer)
    return buffer
}

/// The style of the first cell of the first place `text` appears in `buffer`, or nil.
func style(of text: String, in buffer: ScreenBuffer) -> Style? {
    let needle = Array(text)
    guard !needle.isEmpty else { return nil }
    for y in 0..<buffer.height {
        let line = Array(buffer.line(y, trimmed: false))
        guard line.count >= needle.count else { continue }
        for x in 0...(line.count - needle.count) where Array(line[x..<(x + needle.count)]) == needle {
            return buffer[x, y].style
        }
    }
    return nil
}
