/// What every panel, bar and overlay of the screen is, as in ratatui: a value that draws itself
/// into a rectangle of a ScreenBuffer. A widget never touches the terminal and keeps no state
/// between frames (the frame is a function of the snapshot, the UI state and the size), so a
/// test renders it into a buffer and reads back the text and the styles.
public protocol Widget {
    /// Draws into `area` of `buffer`; nothing outside `area` changes.
    func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme)
}
