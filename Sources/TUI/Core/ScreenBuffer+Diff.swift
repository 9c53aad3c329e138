// Frame diffing, as ratatui does it: compare the new buffer with the one the terminal shows and
// emit runs of changed cells (same row, adjacent, same style), so a frame where only the step
// counter moved costs a handful of writes instead of the whole screen.

extension ScreenBuffer {
    /// Consecutive changed cells on one row that share a style: one move and one write.
    public struct Run: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var style: Style
        public var text: String
        /// Number of cells (each character is one column).
        public var count: Int
    }

    /// The runs that turn `previous` into `self`. With no previous frame, or one of another
    /// size, every cell is part of a run.
    public func changes(from previous: ScreenBuffer?) -> [Run] {
        let comparable = previous.map { $0.width == width && $0.height == height } ?? false
        var runs: [Run] = []
        for y in 0..<height {
            var current: Run? = nil
            for x in 0..<width {
                let cell = cells[y * width + x]
                let changed = !comparable || previous!.cells[y * width + x] != cell
                if changed {
                    if var run = current, run.style == cell.style, run.x + run.count == x {
                        run.text.append(cell.character)
                        run.count += 1
                        current = run
                    } else {
                        if let run = current { runs.append(run) }
                        current = Run(x: x, y: y, style: cell.style, text: String(cell.character), count: 1)
                    }
                } else if let run = current {
                    runs.append(run)
                    current = nil
                }
            }
            if let run = current { runs.append(run) }
        }
        return runs
    }
}
