/// A bordered panel with a title on its top edge, like ratatui's Block. The focused panel's
/// border is bold (and coloured), so tab visibly moves between panels.
public struct Block: Widget, Sendable {
    public var title: String
    /// Shown at the right of the top edge: a hint or a mode ("log", "3/10").
    public var badge: String
    public var focused: Bool
    public var badgeStyle: BadgeStyle

    public enum BadgeStyle: Sendable {
        case normal
        /// Something the learner should notice (gradients accumulating).
        case alert
    }

    public init(title: String, badge: String = "", focused: Bool = false, badgeStyle: BadgeStyle = .normal) {
        self.title = title
        self.badge = badge
        self.focused = focused
        self.badgeStyle = badgeStyle
    }

    /// The area inside the border (empty when `area` is too small for one), where the panel's
    /// content goes: ratatui's `Block::inner`.
    public func inner(_ area: Rect) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return .zero }
        return area.inset(1)
    }

    /// Draws the border, the title and the badge.
    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard area.width >= 2, area.height >= 2 else { return }
        let s = theme.symbols
        let style = focused ? theme.borderFocused : theme.border
        for x in (area.x + 1)..<(area.maxX - 1) {
            buffer[x, area.y] = Cell(s.horizontal, style: style)
            buffer[x, area.maxY - 1] = Cell(s.horizontal, style: style)
        }
        for y in (area.y + 1)..<(area.maxY - 1) {
            buffer[area.x, y] = Cell(s.vertical, style: style)
            buffer[area.maxX - 1, y] = Cell(s.vertical, style: style)
        }
        buffer[area.x, area.y] = Cell(s.topLeft, style: style)
        buffer[area.maxX - 1, area.y] = Cell(s.topRight, style: style)
        buffer[area.x, area.maxY - 1] = Cell(s.bottomLeft, style: style)
        buffer[area.maxX - 1, area.maxY - 1] = Cell(s.bottomRight, style: style)

        let edge = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: 1)
        let titleStyle = focused ? theme.borderFocused : theme.title
        let titleText = " " + title + " "
        let titleEnd = buffer.put(Format.truncate(titleText, edge.width), x: edge.x, y: edge.y, style: titleStyle, clip: edge)
        if !badge.isEmpty {
            let badgeText = " " + badge + " "
            let start = edge.maxX - TextFold.width(badgeText, ascii: buffer.ascii)
            if start > titleEnd {
                buffer.put(badgeText, x: start, y: edge.y, style: badgeStyle == .alert ? theme.bad : theme.dim, clip: edge)
            }
        }
    }

    /// Draws the border and returns the area inside it, for a panel's content.
    public func draw(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) -> Rect {
        render(in: area, buffer: &buffer, theme: theme)
        return inner(area)
    }
}
