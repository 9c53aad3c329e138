/// A key press as the UI understands it, independent of ncurses' key codes.
public enum Key: Sendable, Equatable {
    case character(Character)
    case up
    case down
    case left
    case right
    case pageUp
    case pageDown
    case home
    case end
    case enter
    case tab
    case backTab
    case escape
    case backspace
    /// ctrl-C read as a character (when the terminal does not turn it into SIGINT).
    case interrupt
    /// The terminal changed size.
    case resize
    /// A key the UI has no use for.
    case other(Int32)
}
