/// How the UI draws. nil means "decide from the environment": ASCII when the locale is not
/// UTF-8, colours unless NO_COLOR is set or the terminal has none.
public struct TUIOptions: Sendable, Equatable {
    public var ascii: Bool?
    public var colors: Bool?
    /// The terminal's background; nil asks the environment and the terminal (TerminalBackground).
    public var background: Background?
    /// The most frames per second drawn (frames are drawn only when something changed).
    public var framesPerSecond: Int

    public init(ascii: Bool? = nil, colors: Bool? = nil, background: Background? = nil, framesPerSecond: Int = 30) {
        self.ascii = ascii
        self.colors = colors
        self.background = background
        self.framesPerSecond = max(1, min(120, framesPerSecond))
    }
}

/// Why the UI could not start. The terminal is never left changed when these are thrown.
public enum TUIError: Error, Equatable, CustomStringConvertible {
    case notATerminal
    case cannotStartTerminal(term: String)
    /// The terminal type has no cursor addressing (TERM=dumb, a hard-copy terminal).
    case noCursorAddressing(term: String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "blitz-tui needs a terminal for its screen; use --headless to train without one"
        case .cannotStartTerminal(let term):
            return "cannot start the screen on terminal type '\(term)': check TERM, or use --headless"
        case .noCursorAddressing(let term):
            return "terminal type '\(term)' cannot move the cursor, which the screen needs: use a terminal "
                + "such as xterm-256color (check TERM), or --headless"
        }
    }
}
