// The 256-colour palette most terminals have (xterm's): 16 system colours, a 6×6×6 colour cube
// (indices 16–231) and 24 greys (232–255). An image drawn in it keeps its colours recognisable
// (a CIFAR-10 frog is green, a ship on blue water); on a terminal with fewer colours a page
// falls back to grey levels.

public enum Palette256 {
    /// The cube's six levels per channel.
    static let levels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The palette index nearest to (r, g, b): the nearest cube colour or grey, whichever is closer.
    public static func nearest(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        let (r, g, b) = (Int(red), Int(green), Int(blue))
        func level(_ v: Int) -> Int {
            var best = 0
            for i in 1..<levels.count where abs(levels[i] - v) < abs(levels[best] - v) { best = i }
            return best
        }
        let (cr, cg, cb) = (level(r), level(g), level(b))
        let cube = (levels[cr], levels[cg], levels[cb])
        let cubeIndex = 16 + 36 * cr + 6 * cg + cb
        // Greys 232...255 are 8, 18, ..., 238.
        let mean = (r + g + b) / 3
        let greyStep = max(0, min(23, (mean - 8 + 5) / 10))
        let grey = 8 + 10 * greyStep
        let asked = (r, g, b)
        return squaredDistance((grey, grey, grey), asked) < squaredDistance(cube, asked)
            ? UInt8(232 + greyStep) : UInt8(cubeIndex)
    }

    /// How far apart two RGB colours are: the squared distance between them, channel by channel.
    static func squaredDistance(_ p: (Int, Int, Int), _ q: (Int, Int, Int)) -> Int {
        (p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1) + (p.2 - q.2) * (p.2 - q.2)
    }

    /// The RGB an index shows (for tests and for a legend).
    public static func rgb(_ index: UInt8) -> (red: UInt8, green: UInt8, blue: UInt8)? {
        switch index {
        case 16...231:
            let i = Int(index) - 16
            return (UInt8(levels[i / 36]), UInt8(levels[i / 6 % 6]), UInt8(levels[i % 6]))
        case 232...255:
            let v = UInt8(8 + 10 * (Int(index) - 232))
            return (v, v, v)
        default:
            return nil
        }
    }
}
