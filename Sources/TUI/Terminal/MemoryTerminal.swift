#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A terminal in memory for tests and scripted runs: it keeps the cells it was sent, counts
/// what was written, and plays back a script of keys (and resizes) instead of reading a keyboard.
public final class MemoryTerminal: Terminal {
    public enum Event: Sendable, Equatable {
        case key(Key)
        case resize(TerminalSize)
        /// Let this many reads time out before the next event: each waits its full timeout, as
        /// a real terminal would, so the loop's frame timing runs as it does on a screen.
        case idle(Int)
    }

    public private(set) var size: TerminalSize
    public private(set) var cells: ScreenBuffer
    /// Cells written by each draw, in order.
    public private(set) var writes: [Int] = []
    public private(set) var invalidations = 0
    public private(set) var restored = false
    private var events: [Event]
    /// Once the script is done, reads return this (nil: time out forever; tests end with q).
    public var afterScript: Key?

    public init(width: Int, height: Int, events: [Event] = [], afterScript: Key? = .character("q")) {
        size = TerminalSize(width: width, height: height)
        cells = ScreenBuffer(width: width, height: height)
        self.events = events
        self.afterScript = afterScript
    }

    public func draw(_ runs: [ScreenBuffer.Run]) {
        var count = 0
        for run in runs {
            for (i, c) in run.text.enumerated() {
                cells[run.x + i, run.y] = Cell(c, style: run.style)
            }
            count += run.count
        }
        writes.append(count)
    }

    public func invalidate() {
        invalidations += 1
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        guard !events.isEmpty else { return afterScript }
        switch events.removeFirst() {
        case .key(let key):
            return key
        case .resize(let newSize):
            size = newSize
            cells = ScreenBuffer(width: newSize.width, height: newSize.height)
            return .resize
        case .idle(let n):
            if n > 1 { events.insert(.idle(n - 1), at: 0) }
            usleep(UInt32(max(0, min(timeoutMilliseconds, 1000))) * 1000)
            return nil
        }
    }

    public func restore() {
        restored = true
    }

    /// What the screen shows now, as text.
    public var lines: [String] { cells.lines() }
}
