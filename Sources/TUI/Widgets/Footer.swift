import Trainer

/// The bottom line: the trainer's message if it has one (a diverging loss, the end of
/// training), the pages (the current one highlighted), then the most useful keys, as many as fit.
public struct Footer: Sendable {
    public var snapshot: TrainingSnapshot
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
            // Leave room for "1-5 page  ? help  q quit", however long the message.
            let room = max(0, line.maxX - x - 17 - 7 - page.title.count)
            x = buffer.put(Format.truncate(message, room), x: x, y: line.y, style: snapshot.diverged ? theme.bad : theme.warning, clip: line)
            x += 2
        }
        // The pages: "1 Train 2 Model ..." when there is room, else "1-5".
        let tabs = Page.allCases.reduce(0) { $0 + 3 + $1.title.count }
        if line.maxX - x > tabs + 40 {
            for p in Page.allCases {
                x = buffer.put(String(p.key), x: x, y: line.y, style: theme.key, clip: line)
                x = buffer.put(" " + p.title, x: x, y: line.y, style: p == page ? theme.title.adding(.reverse) : theme.dim, clip: line)
                x += 1
            }
            x += 1
        } else {
            x = buffer.put("1-5", x: x, y: line.y, style: theme.key, clip: line)
            x = buffer.put(" " + page.title.lowercased() + "  ", x: x, y: line.y, style: theme.dim, clip: line)
        }
        var keys: [(String, String)] = [
            ("space", snapshot.isRunning ? "pause" : "resume"),
            ("n", "step"),
            ("b", "backward node"),
            ("z", "zero_grad"),
            ("+/-", "lr"),
            ("l", "log"),
            ("tab", "panel"),
            ("?", "help"),
            ("q", "quit"),
        ]
        if page == .optimizer {
            keys.insert(("x", "in/out of optimizer"), at: 0)
            keys.insert(("↑↓", "parameter"), at: 1)
        }
        // "? help" and "q quit" always fit (they say how to learn the rest and how to leave);
        // the others join from the most useful while there is room.
        func width(_ item: (String, String)) -> Int { item.0.count + 1 + item.1.count + 2 }
        let essential = Array(keys.suffix(2))
        var room = line.maxX - x - essential.reduce(0) { $0 + width($1) }
        var shown: [(String, String)] = []
        for item in keys.dropLast(2) where width(item) <= room {
            shown.append(item)
            room -= width(item)
        }
        for (key, what) in shown + essential {
            x = buffer.put(key, x: x, y: line.y, style: theme.key, clip: line)
            x = buffer.put(" " + what + "  ", x: x, y: line.y, style: theme.dim, clip: line)
        }
    }
}
