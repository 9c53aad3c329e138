// A drawing surface with more dots than cells: braille gives each cell 2×4 dots, so a 60-column
// chart has 120 points across. In ASCII each cell has 1×3 "dots" drawn as ' - . : |.
// Each series is a layer; where layers share a cell the higher layer's colour wins (the dots
// still combine), so the smoothed mean stays readable on top of the raw loss.

struct BrailleCanvas {
    let columns: Int
    let rows: Int
    let braille: Bool
    var dotsX: Int { columns * (braille ? 2 : 1) }
    var dotsY: Int { rows * (braille ? 4 : 3) }
    private var bits: [UInt8]
    private var layer: [Int]

    init(columns: Int, rows: Int, braille: Bool) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        self.braille = braille
        bits = Array(repeating: 0, count: self.columns * self.rows)
        layer = Array(repeating: -1, count: self.columns * self.rows)
    }

    /// Sets the dot at (x, y), y counted from the top; out-of-range dots are ignored.
    mutating func set(_ x: Int, _ y: Int, layer l: Int) {
        guard x >= 0, y >= 0, x < dotsX, y < dotsY else { return }
        let cx = braille ? x / 2 : x
        let cy = braille ? y / 4 : y / 3
        let index = cy * columns + cx
        if braille {
            let dx = x % 2
            let dy = y % 4
            let bit: UInt8 = dy == 3 ? (dx == 0 ? 0x40 : 0x80) : UInt8(1 << (dy + 3 * dx))
            bits[index] |= bit
        } else {
            bits[index] |= UInt8(1 << (y % 3))
        }
        layer[index] = max(layer[index], l)
    }

    /// A straight line of dots (Bresenham), so consecutive points join into a curve.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, layer l: Int) {
        var x = x0
        var y = y0
        let dx = abs(x1 - x0)
        let dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1
        let sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        var guardSteps = dx - dy + 2
        while guardSteps > 0 {
            set(x, y, layer: l)
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy {
                err += dy
                x += sx
            }
            if e2 <= dx {
                err += dx
                y += sy
            }
            guardSteps -= 1
        }
    }

    /// Copies the dots into `buffer` at `origin`, styling each cell by its top layer.
    func render(into buffer: inout ScreenBuffer, x originX: Int, y originY: Int, styles: [Style]) {
        for cy in 0..<rows {
            for cx in 0..<columns {
                let index = cy * columns + cx
                let b = bits[index]
                guard b != 0 else { continue }
                let l = layer[index]
                let style = l >= 0 && l < styles.count ? styles[l] : .plain
                buffer[originX + cx, originY + cy] = Cell(glyph(b), style: style)
            }
        }
    }

    private func glyph(_ b: UInt8) -> Character {
        if braille {
            return Character(Unicode.Scalar(0x2800 + UInt32(b))!)
        }
        switch b {
        case 0b001: return "'"
        case 0b010: return "-"
        case 0b100: return "."
        case 0b111: return "|"
        default: return ":"
        }
    }
}
