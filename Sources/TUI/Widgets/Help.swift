/// The `?` overlay: every key of the key table, drawn in a box over the middle of the screen,
/// with a blank row above and below the list when the screen has room for them.
public struct Help: Widget, Sendable {
    public var entries: [(keys: String, action: String)]

    public init(entries: [(keys: String, action: String)] = KeyMap.help) {
        self.entries = entries
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        let keyWidth = entries.map(\.keys.count).max() ?? 0
        let textWidth = entries.map(\.action.count).max() ?? 0
        let width = min(area.width, keyWidth + textWidth + 7)
        let padding = entries.count + 4 <= area.height ? 1 : 0
        let height = min(area.height, entries.count + 2 + 2 * padding)
        guard width >= 8, height >= 3 else { return }
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let inner = Block(title: "Keys", badge: "? or esc closes", focused: true).draw(in: box, buffer: &buffer, theme: theme)
        let list = Rect(x: inner.x + 1, y: inner.y + padding, width: inner.width - 2, height: inner.height - padding)
        for (i, entry) in entries.prefix(list.height).enumerated() {
            let y = list.y + i
            buffer.put(Format.padRight(entry.keys, keyWidth), x: list.x, y: y, style: theme.key, clip: list)
            buffer.put(entry.action, x: list.x + keyWidth + 2, y: y, style: theme.text, clip: list)
        }
    }
}
