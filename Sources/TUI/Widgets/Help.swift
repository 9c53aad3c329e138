import Trainer

/// The `?` overlay, drawn in a box over the middle of the screen: what every number and symbol
/// on the current page means, then every key. On a short terminal the page's part comes first.
public struct Help: Widget, Sendable {
    public var entries: [(keys: String, action: String)]
    public var page: Page?

    public init(entries: [(keys: String, action: String)] = KeyMap.help, page: Page? = nil) {
        self.entries = entries
        self.page = page
    }

    typealias Row = (left: String, right: String, heading: Bool)

    func rows() -> [Row] {
        var rows: [Row] = []
        if let page {
            rows.append(("On the \(page.title) page", "", true))
            rows += page.explanations.map { ($0.symbol, $0.meaning, false) }
            rows.append(("Keys", "", true))
        }
        return rows + entries.map { ($0.keys, $0.action, false) }
    }

    /// Whether every row fits on a screen `height` rows tall (at the widest meanings, unwrapped).
    public func fits(height: Int) -> Bool {
        rows().count + 2 <= height
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        var rows = rows()
        if let page, !fits(height: area.height) {
            // Too short for both: this page's meanings now, the keys on the next ?.
            rows = Array(rows.prefix(page.explanations.count + 1)) + [("?", "again: every key", false)]
        }
        let keyWidth = rows.filter { !$0.heading }.map { TextFold.width($0.left, ascii: buffer.ascii) }.max() ?? 0
        let textWidth = rows.map { TextFold.width($0.right, ascii: buffer.ascii) }.max() ?? 0
        let width = min(area.width, keyWidth + textWidth + 6)
        // A meaning too long for the box continues on the next line, under itself.
        let room = max(10, width - keyWidth - 6)
        rows = rows.flatMap { row -> [(left: String, right: String, heading: Bool)] in
            guard !row.heading, TextFold.width(row.right, ascii: buffer.ascii) > room else { return [row] }
            return Format.wrap(row.right, room).enumerated().map { ($0 == 0 ? row.left : "", $1, false) }
        }
        // A blank row above and below the list when the screen has room for them.
        let padding = rows.count + 4 <= area.height ? 1 : 0
        let height = min(area.height, rows.count + 2 + 2 * padding)
        guard width >= 8, height >= 3 else { return }
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let title = page.map { "Help: \($0.title)" } ?? "Keys"
        let inner = Block(title: title, badge: "? or esc closes", focused: true).draw(in: box, buffer: &buffer, theme: theme)
        let list = Rect(x: inner.x + 1, y: inner.y + padding, width: inner.width - 2, height: inner.height - padding)
        for (i, row) in rows.prefix(list.height).enumerated() {
            let y = list.y + i
            if row.heading {
                buffer.put(row.left, x: list.x, y: y, style: theme.title, clip: list)
                continue
            }
            buffer.put(row.left, x: list.x, y: y, style: theme.key, clip: list)
            buffer.put(row.right, x: list.x + keyWidth + 2, y: y, style: theme.text, clip: list)
        }
    }
}
