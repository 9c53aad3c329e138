import Testing
@testable import TUI

/// The colour pairs CursesTerminal hands out: defined on first use, shared by equal colours,
/// recycled only once no cell on screen shows them, and the nearest pair when all are in use.
@Suite struct ColorPairTableTests {
    @Test func pairsAreDefinedOnceAndShared() {
        var table = ColorPairTable(capacity: 10, width: 10, height: 2)
        #expect(table.pair(foreground: -1, background: -1) == .init(pair: 0, define: false))
        #expect(table.pair(foreground: 196, background: 21) == .init(pair: 1, define: true))
        #expect(table.pair(foreground: 196, background: 21) == .init(pair: 1, define: false))
        #expect(table.pair(foreground: 21, background: 196) == .init(pair: 2, define: true))
        #expect(table.defined == 2)
    }

    @Test func aPairIsRecycledOnlyWhenOffScreenAndTheOldestFirst() {
        var table = ColorPairTable(capacity: 2, width: 4, height: 1)
        let red = table.pair(foreground: 196, background: 196).pair
        table.place(red, x: 0, y: 0, count: 2)
        let blue = table.pair(foreground: 21, background: 21).pair
        table.place(blue, x: 2, y: 0, count: 2)
        #expect(table.cellsShowing(red) == 2 && table.cellsShowing(blue) == 2)
        // Both on screen: a third colour gets the nearest existing pair and defines nothing.
        #expect(table.pair(foreground: 160, background: 160) == .init(pair: red, define: false))
        // Red leaves the screen (overwritten by default colours): its number is reused.
        table.place(0, x: 0, y: 0, count: 2)
        #expect(table.cellsShowing(red) == 0)
        let green = table.pair(foreground: 46, background: 46)
        #expect(green == .init(pair: red, define: true))
        #expect(table.pair(foreground: 196, background: 196) != .init(pair: red, define: false))
        table.place(green.pair, x: 0, y: 0, count: 1)
        // Blue goes too: the next new colour takes blue's number, green's stays.
        table.place(0, x: 2, y: 0, count: 2)
        #expect(table.pair(foreground: 226, background: 0) == .init(pair: blue, define: true))
    }

    @Test func aResizeFreesEveryPair() {
        var table = ColorPairTable(capacity: 1, width: 2, height: 1)
        table.place(table.pair(foreground: 1, background: 2).pair, x: 0, y: 0, count: 2)
        #expect(table.pair(foreground: 3, background: 4).define == false)
        table.resize(width: 3, height: 1)
        #expect(table.pair(foreground: 3, background: 4) == .init(pair: 1, define: true))
    }

    @Test func manyPicturesOverARunNeverRunOut() {
        // 200 frames of a 40×10 picture in changing colours, on a table of 256 pairs.
        var table = ColorPairTable(capacity: 256, width: 40, height: 10)
        var defined = 0
        var drawnWithDefault = 0
        for frame in 0..<200 {
            for y in 0..<10 {
                for x in 0..<40 {
                    let a = table.pair(foreground: Int16(16 + (x + frame) % 216), background: Int16(16 + (y * 7 + frame) % 216))
                    if a.pair == 0 { drawnWithDefault += 1 }
                    if a.define { defined += 1 }
                    table.place(a.pair, x: x, y: y, count: 1)
                }
            }
        }
        #expect(drawnWithDefault == 0)
        #expect(table.defined == 256)
        #expect(defined > 256)
    }

    @Test func noPairsMeansDefaultColours() {
        var table = ColorPairTable(capacity: 0, width: 2, height: 1)
        #expect(table.pair(foreground: 1, background: -1) == .init(pair: 0, define: false))
    }

    @Test func paletteIndicesOnTerminalsWithFewerColours() {
        #expect(ColorPairTable.number(.indexed(196), colorCount: 256) == 196)
        #expect(ColorPairTable.number(.default, colorCount: 256) == -1)
        #expect(ColorPairTable.number(.cyan, colorCount: 8) == 6)
        // Pure red on an 8-colour terminal: basic red; light grey: white; on 16 colours: bright red.
        #expect(ColorPairTable.number(.indexed(196), colorCount: 8) == 1)
        #expect(ColorPairTable.number(.indexed(252), colorCount: 8) == 7)
        #expect(ColorPairTable.number(.indexed(196), colorCount: 16) == 9)
        #expect(ColorPairTable.number(.indexed(3), colorCount: 8) == 3)
    }
}
