/// Where frames go and keys come from. CursesTerminal is the real one (and the only code that
/// talks to ncurses); MemoryTerminal is the test double. Both receive only the runs of cells
/// that changed (see Screen), so what the tests count is what the real terminal would write.
public protocol Terminal: AnyObject {
    /// The size in cells, as the terminal reports it now.
    var size: TerminalSize { get }
    /// Writes the runs and makes them visible.
    func draw(_ runs: [ScreenBuffer.Run])
    /// Forgets what is on screen: the next draw repaints everything (after a resize).
    func invalidate()
    /// Waits up to `timeoutMilliseconds` for a key; nil when none came.
    func readKey(timeoutMilliseconds: Int) -> Key?
    /// Puts the terminal back as it was. Safe to call more than once.
    func restore()
}

public struct TerminalSize: Sendable, Equatable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }
}

/// Keeps the frame the terminal shows and sends it only the differences to the next one.
public final class Screen {
    public let terminal: any Terminal
    public private(set) var shown: ScreenBuffer?

    public init(terminal: any Terminal) {
        self.terminal = terminal
    }

    /// Draws `frame`; returns the number of cells written.
    @discardableResult
    public func present(_ frame: ScreenBuffer) -> Int {
        let runs = frame.changes(from: shown)
        if !runs.isEmpty {
            terminal.draw(runs)
        }
        shown = frame
        return runs.reduce(0) { $0 + $1.count }
    }

    /// After a resize, or anything else that may have scribbled on the screen.
    public func invalidate() {
        shown = nil
        terminal.invalidate()
    }
}
