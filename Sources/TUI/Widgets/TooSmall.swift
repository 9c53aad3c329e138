/// What a terminal below the minimum size shows instead of a squashed screen.
public struct TooSmall: Widget, Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let message = "terminal too small: \(width)×\(height). blitz-tui needs at least \(Layout.minimumWidth)×\(Layout.minimumHeight). Resize, or press q to quit."
        let lines = Format.wrap(message, area.width)
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (i, line) in lines.prefix(area.height).enumerated() {
            let x = area.x + max(0, (area.width - line.count) / 2)
            buffer.put(line, x: x, y: top + i, style: i == 0 ? theme.warning : theme.text, clip: area)
        }
    }
}
