// ncurses draws a cell's colours through a numbered colour pair (foreground, background) that
// must be defined (init_pair) before use, from a table of COLOR_PAIRS entries. Eight colours
// make at most 81 pairs, but a 256-colour picture can ask for thousands of combinations over a
// run (every batch of CIFAR-10 images brings new ones), so pairs are handed out on demand and
// recycled. Redefining a pair repaints every cell that shows it, so a pair is recycled only when
// no cell on screen uses it any more: the table keeps the pair of every cell (`place`) and a
// count per pair, and reuses the pair that left the screen longest ago. When every pair is on
// screen (a terminal with few pairs), a new combination gets the existing pair nearest in
// colour, never a crash and never a repainted picture.
//
// Pure bookkeeping, so it is tested without a terminal; CursesTerminal calls init_pair when
// `pair(foreground:background:)` says `define`.

struct ColorPairTable {
    /// The pair to draw with; `define`: the caller must init_pair it to the colours asked first.
    struct Assignment: Equatable {
        var pair: Int
        var define: Bool
    }

    /// Usable pairs, 1...capacity (pair 0 is the terminal's default colours and never changes).
    let capacity: Int
    private(set) var width = 0
    private(set) var height = 0
    private var pairOfKey: [Int32: Int] = [:]
    /// The key each pair holds (index 0 unused), and how many cells on screen show it.
    private var keyOfPair: [Int32] = [0]
    private var cellsShowing: [Int] = [0]
    /// Pairs whose count reached zero, oldest first, with the stamp of that moment (an entry
    /// whose stamp is no longer the pair's is stale: the pair came back on screen since).
    private var unused: [(pair: Int, stamp: Int)] = []
    private var unusedStart = 0
    private var stampOfPair: [Int] = [0]
    private var clock = 0
    /// The pair of every cell, row-major (0: default colours, or nothing drawn yet).
    private var cells: [Int32] = []

    init(capacity: Int, width: Int = 0, height: Int = 0) {
        self.capacity = max(0, capacity)
        resize(width: width, height: height)
    }

    /// Pairs defined so far.
    var defined: Int { keyOfPair.count - 1 }

    /// How many cells on screen show `pair` (for tests).
    func cellsShowing(_ pair: Int) -> Int { cellsShowing.indices.contains(pair) ? cellsShowing[pair] : 0 }

    /// A new screen size: nothing is on screen any more (the next frame repaints every cell).
    mutating func resize(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: 0, count: self.width * self.height)
        unused.removeAll()
        unusedStart = 0
        for pair in cellsShowing.indices.dropFirst() {
            cellsShowing[pair] = 0
            markUnused(pair)
        }
    }

    /// The pair for curses colour numbers (-1: the terminal's default colour).
    mutating func pair(foreground: Int16, background: Int16) -> Assignment {
        guard foreground != -1 || background != -1 else { return Assignment(pair: 0, define: false) }
        let key = ColorPairTable.key(foreground, background)
        if let existing = pairOfKey[key] { return Assignment(pair: existing, define: false) }
        if defined < capacity {
            let pair = keyOfPair.count
            keyOfPair.append(key)
            cellsShowing.append(0)
            stampOfPair.append(0)
            pairOfKey[key] = pair
            markUnused(pair)
            return Assignment(pair: pair, define: true)
        }
        while unusedStart < unused.count {
            let (pair, stamp) = unused[unusedStart]
            unusedStart += 1
            guard cellsShowing[pair] == 0, stampOfPair[pair] == stamp else { continue }
            compactUnused()
            pairOfKey[keyOfPair[pair]] = nil
            keyOfPair[pair] = key
            pairOfKey[key] = pair
            markUnused(pair)
            return Assignment(pair: pair, define: true)
        }
        return Assignment(pair: nearest(foreground, background), define: false)
    }

    /// Records that `count` cells from (x, y) to the right now show `pair`.
    mutating func place(_ pair: Int, x: Int, y: Int, count: Int) {
        guard y >= 0, y < height, cellsShowing.indices.contains(pair) else { return }
        for column in max(0, x)..<min(width, x + count) {
            let index = y * width + column
            let old = Int(cells[index])
            guard old != pair else { continue }
            if old != 0 {
                cellsShowing[old] -= 1
                if cellsShowing[old] == 0 { markUnused(old) }
            }
            if pair != 0 { cellsShowing[pair] += 1 }
            cells[index] = Int32(pair)
        }
    }

    private mutating func markUnused(_ pair: Int) {
        clock += 1
        stampOfPair[pair] = clock
        unused.append((pair, clock))
    }

    /// Drops the consumed front of the queue now and then, so it does not grow without end.
    private mutating func compactUnused() {
        if unusedStart > 4096 && unusedStart * 2 > unused.count {
            unused.removeFirst(unusedStart)
            unusedStart = 0
        }
    }

    private static func key(_ foreground: Int16, _ background: Int16) -> Int32 {
        Int32(foreground + 1) << 16 | Int32(background + 1)
    }

    /// The defined pair whose colours are nearest to those asked (every pair is on screen).
    private func nearest(_ foreground: Int16, _ background: Int16) -> Int {
        var best = 0
        var bestDistance = Int.max
        for pair in keyOfPair.indices.dropFirst() {
            let key = keyOfPair[pair]
            let distance = ColorPairTable.distance(Int16(key >> 16) - 1, foreground)
                + ColorPairTable.distance(Int16(key & 0xFFFF) - 1, background)
            if distance < bestDistance {
                best = pair
                bestDistance = distance
            }
        }
        return best
    }

    private static func distance(_ a: Int16, _ b: Int16) -> Int {
        if a == b { return 0 }
        guard let p = rgb(a), let q = rgb(b) else { return 3 * 255 * 255 + 1 }
        return Palette256.squaredDistance(p, q)
    }

    // MARK: curses colour numbers

    /// xterm's sixteen system colours (its defaults), which the basic colours and indices 0–15 show.
    static let systemRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The RGB a curses colour number shows on xterm (nil: the default colour, unknown).
    static func rgb(_ number: Int16) -> (Int, Int, Int)? {
        if number >= 0 && number < 16 { return systemRGB[Int(number)] }
        guard number >= 16 && number <= 255, let c = Palette256.rgb(UInt8(number)) else { return nil }
        return (Int(c.red), Int(c.green), Int(c.blue))
    }

    /// The curses colour number for `color` on a terminal of `colorCount` colours: the basic
    /// colours are curses' COLOR_BLACK (0) … COLOR_WHITE (7); a palette index the terminal
    /// lacks becomes the nearest system colour it has.
    static func number(_ color: Color, colorCount: Int) -> Int16 {
        switch color {
        case .default: return -1
        case .black: return 0
        case .red: return 1
        case .green: return 2
        case .yellow: return 3
        case .blue: return 4
        case .magenta: return 5
        case .cyan: return 6
        case .white: return 7
        case .indexed(let index):
            let system = min(16, colorCount)
            if colorCount >= 256 || Int(index) < system { return Int16(index) }
            guard system >= 8, let c = rgb(Int16(index)) else { return -1 }
            var best = 0
            var bestDistance = Int.max
            for n in 0..<system {
                let d = Palette256.squaredDistance(systemRGB[n], c)
                if d < bestDistance {
                    best = n
                    bestDistance = d
                }
            }
            return Int16(best)
        }
    }
}
