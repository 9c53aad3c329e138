import Trainer

/// The bottom line: the trainer's message if it has one (a diverging loss, the end of
/// training), then the most useful keys from the key table (KeyMap), as many as fit.
public struct Footer: Widget, Sendable {
    public var snapshot: TrainingSnapshot
    /// The page on screen: the Optimizer page puts its own keys first.
    public var page: Page

    public init(snapshot: TrainingSnapshot, page: Page = .train) {
        self.snapshot = snapshot
        self.page = page
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let line = area.row(0)
        var x = line.x + 1
        if let message = snapshot.message, !message.isEmpty {
            // Leave room for "? help  q quit", however long the message.
            let room = max(0, line.maxX - x - 17)
            x = buffer.put(Format.truncate(message, room), x: x, y: line.y, style: snapshot.diverged ? theme.bad : theme.warning, clip: line)
            x += 2
        }
        // The key table's footer hints: the essential ones ("? help", "q quit": how to learn
        // the rest and how to leave) always fit; the others join, most useful first, while there
        // is room, and are shown in the table's order.
        var hints = KeyMap.footer
        if page == .optimizer {
            hints.insert(FooterHint("x", "in/out of optimizer", rank: 0), at: 0)
            hints.insert(FooterHint("↑↓", "parameter", rank: 0), at: 1)
        }
        func width(_ hint: FooterHint) -> Int {
            hint.keys.count + 1 + hint.text(running: snapshot.isRunning).count + 2
        }
        var room = line.maxX - x - hints.filter(\.essential).reduce(0) { $0 + width($1) }
        var shown = hints.map(\.essential)
        for i in hints.indices.sorted(by: { (hints[$0].rank, $0) < (hints[$1].rank, $1) }) where !shown[i] && width(hints[i]) <= room {
            shown[i] = true
            room -= width(hints[i])
        }
        let ordered = hints.indices.filter { shown[$0] && !hints[$0].essential } + hints.indices.filter { hints[$0].essential }
        for i in ordered {
            x = buffer.put(hints[i].keys, x: x, y: line.y, style: theme.key, clip: line)
            x = buffer.put(" " + hints[i].text(running: snapshot.isRunning) + "  ", x: x, y: line.y, style: theme.dim, clip: line)
        }
    }
}
