import Testing
import TUI

@Suite struct ScreenBufferTests {
    @Test func putClipsToTheRectAndTheBuffer() {
        var b = ScreenBuffer(width: 8, height: 2)
        b.put("hello world", x: 2, y: 0)
        b.put("clipped", x: 1, y: 1, clip: Rect(x: 0, y: 1, width: 4, height: 1))
        b.put("outside", x: 0, y: 5)
        b.put("left", x: -2, y: 1, clip: nil)
        #expect(b.lines() == ["  hello", "ftli"])
        #expect(b.line(0, trimmed: false) == "  hello ")
    }

    @Test func outOfRangeCellsAreIgnored() {
        var b = ScreenBuffer(width: 2, height: 2)
        b[-1, 0] = Cell("x")
        b[2, 1] = Cell("x")
        b[0, 2] = Cell("x")
        b.fill(Rect(x: -5, y: -5, width: 100, height: 100), with: "#")
        #expect(b.lines() == ["##", "##"])
        #expect(b[9, 9] == .blank)
    }

    @Test func emptyBuffersAreSafe() {
        var b = ScreenBuffer(width: 0, height: 0)
        b.put("x", x: 0, y: 0)
        b.fill(b.area)
        #expect(b.lines() == [])
        #expect(b.changes(from: nil).isEmpty)
        let negative = ScreenBuffer(width: -3, height: -1)
        #expect(negative.width == 0 && negative.height == 0)
    }

    @Test func asciiModeFoldsEverySymbol() {
        var b = ScreenBuffer(width: 40, height: 1, ascii: true)
        b.put("╭─ grad·Wᵀ ‖g‖ → Σ ⣿ 日 é", x: 0, y: 0)
        let line = b.line(0)
        #expect(line == "+- grad.W^T |g| -> sum  . ? ?")
        #expect(line.allSatisfy { $0.isASCII })
    }

    @Test func wideAndControlCharactersNeverShiftColumns() {
        var b = ScreenBuffer(width: 6, height: 1)
        b.put("a日\tb👍c", x: 0, y: 0)
        #expect(b.line(0) == "a??b?c")
    }

    @Test func diffWritesOnlyChangedCellsInRuns() {
        var a = ScreenBuffer(width: 10, height: 3)
        a.put("step 41", x: 0, y: 0)
        a.put("loss 1.0", x: 0, y: 2)
        var b = a
        b.put("step 42", x: 0, y: 0)
        b.put("loss 1.0", x: 0, y: 2, style: Style(attributes: .bold))
        let runs = b.changes(from: a)
        #expect(runs.map(\.text) == ["2", "loss 1.0"])
        #expect(runs.map(\.x) == [6, 0])
        #expect(runs.map(\.y) == [0, 2])
        #expect(b.changes(from: b).isEmpty)
        // No previous frame, or another size: everything, one run per row when the style is one.
        #expect(b.changes(from: nil).reduce(0) { $0 + $1.count } == 30)
        #expect(b.changes(from: ScreenBuffer(width: 9, height: 3)).reduce(0) { $0 + $1.count } == 30)
    }

    @Test func paletteColoursAreStylesLikeAnyOther() {
        // A picture's cells: the same ▀, only the palette index differs.
        var a = ScreenBuffer(width: 4, height: 1)
        for x in 0..<4 { a[x, 0] = Cell("▀", style: Style(foreground: .indexed(196), background: .indexed(21))) }
        var b = a
        b[1, 0] = Cell("▀", style: Style(foreground: .indexed(197), background: .indexed(21)))
        b[2, 0] = Cell("▀", style: Style(foreground: .indexed(197), background: .indexed(21)))
        b[3, 0] = Cell("▀", style: Style(foreground: .indexed(197), background: .indexed(22)))
        let runs = b.changes(from: a)
        #expect(runs.map(\.x) == [1, 3] && runs.map(\.count) == [2, 1])
        #expect(runs[0].style == Style(foreground: .indexed(197), background: .indexed(21)))
        #expect(Style(foreground: .indexed(1)) != Style(foreground: .red))
        // Style is stored per cell: the palette index must not make a cell larger.
        #expect(MemoryLayout<Style>.size <= 6)
        #expect(MemoryLayout<Cell>.stride <= 24)
    }

    @Test func screenSendsOnlyTheDifference() {
        let terminal = MemoryTerminal(width: 10, height: 2)
        let screen = Screen(terminal: terminal)
        var frame = ScreenBuffer(width: 10, height: 2)
        frame.put("step 1", x: 0, y: 0)
        #expect(screen.present(frame) == 20)
        frame.put("step 2", x: 0, y: 0)
        #expect(screen.present(frame) == 1)
        #expect(screen.present(frame) == 0)
        screen.invalidate()
        #expect(screen.present(frame) == 20)
        #expect(terminal.writes == [20, 1, 20])
        #expect(terminal.lines == ["step 2", ""])
    }
}
