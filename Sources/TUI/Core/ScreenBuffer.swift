// The screen as a grid of cells: widgets draw into it, tests read it back as text, and the
// terminal receives only the cells that differ from the previous frame (see +Diff). Nothing
// here touches a terminal. Out-of-range writes are ignored, so widgets never need to be
// careful about edges to avoid a crash; they only need to be careful to look good.

public struct ScreenBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// When true every character written is folded to ASCII (the locale is not UTF-8, or --ascii).
    public let ascii: Bool
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, ascii: Bool = false) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.ascii = ascii
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard x >= 0, x < width, y >= 0, y < height else { return .blank }
            return cells[y * width + x]
        }
        set {
            guard x >= 0, x < width, y >= 0, y < height else { return }
            var cell = newValue
            cell.character = TextFold.single(cell.character, ascii: ascii)
            cells[y * width + x] = cell
        }
    }

    /// Writes `text` from (x, y) to the right, clipped to `clip` (default: the whole buffer).
    /// Returns the column after the last character written (or that would have been).
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let bounds = (clip ?? area).intersection(area)
        var column = x
        guard y >= bounds.y, y < bounds.maxY else { return x + TextFold.width(text, ascii: ascii) }
        let row = y * width
        let left = bounds.x
        let right = bounds.maxX
        let ascii = self.ascii
        // Every frame writes thousands of cells through here: write through the buffer's
        // storage, with the fold's allocation-free path for single cells.
        cells.withUnsafeMutableBufferPointer { storage in
            for character in text {
                if let folded = TextFold.singleOrNil(character, ascii: ascii) {
                    if column >= left && column < right {
                        storage[row + column] = Cell(folded, style: style)
                    }
                    column += 1
                } else {
                    TextFold.forEachCell(character, ascii: ascii) { folded in
                        if column >= left && column < right {
                            storage[row + column] = Cell(folded, style: style)
                        }
                        column += 1
                    }
                }
            }
        }
        return column
    }

    /// Fills `rect` with one character and style.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        let r = rect.intersection(area)
        let cell = Cell(TextFold.single(character, ascii: ascii), style: style)
        let width = self.width
        cells.withUnsafeMutableBufferPointer { storage in
            for y in r.y..<r.maxY {
                for x in r.x..<r.maxX {
                    storage[y * width + x] = cell
                }
            }
        }
    }

    /// Changes the style of the cells in `rect`, keeping their characters.
    public mutating func setStyle(_ rect: Rect, _ style: Style) {
        let r = rect.intersection(area)
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX {
                cells[y * width + x].style = style
            }
        }
    }

    /// Adds attributes to the cells in `rect` (the selection's reverse video, for instance).
    public mutating func addAttributes(_ rect: Rect, _ attributes: Attributes) {
        let r = rect.intersection(area)
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX {
                cells[y * width + x].style.attributes.formUnion(attributes)
            }
        }
    }

    /// Row `y` as text, optionally without trailing blanks (what tests compare).
    public func line(_ y: Int, trimmed: Bool = true) -> String {
        guard y >= 0, y < height else { return "" }
        var s = String(cells[(y * width)..<((y + 1) * width)].map(\.character))
        if trimmed {
            while s.last == " " { s.removeLast() }
        }
        return s
    }

    public func lines(trimmed: Bool = true) -> [String] {
        (0..<height).map { line($0, trimmed: trimmed) }
    }
}
