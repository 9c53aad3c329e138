import Lessons

/// `blitz-tui learn` on the screen: the chapter viewer alone, with the same terminal handling as
/// the trainer (restored on every way out, signals included).
public enum LessonsViewer {
    /// Text folded to ASCII as the screen folds it (→ as ->), for `--ascii` and `--plain --ascii`.
    public static let asciiFold: @Sendable (String) -> String = { text in
        var out = ""
        for character in text { TextFold.forEachCell(character, ascii: true) { out.append($0) } }
        return out
    }

    public static func run(first: ChapterID, seed: UInt64, options: TUIOptions) throws -> Int32 {
        let utf8 = Environment.adoptLocale()
        let ascii = options.ascii ?? !utf8
        let colors = options.colors ?? !Environment.noColor
        let terminal = try CursesTerminal(colors: colors)
        defer { terminal.restore() }
        let theme = Theme(colors: terminal.colors, ascii: ascii, colorCount: terminal.colorCount)
        return run(state: .open(first, seed: seed), terminal: terminal, theme: theme)
    }

    /// The loop on any terminal: draw, wait for a key, apply it.
    public static func run(state initial: LessonsViewerState, terminal: any Terminal, theme: Theme) -> Int32 {
        let previousHandlers = Signals.install()
        defer {
            Signals.uninstall(previousHandlers)
            terminal.restore()
        }
        let screen = Screen(terminal: terminal)
        var state = initial
        var dirty = true
        let ascii = theme.symbols == .ascii
        while true {
            if let sig = Signals.pending { return 128 + sig }
            let size = terminal.size
            if dirty {
                screen.present(ChapterView.render(state, width: size.width, height: size.height, theme: theme))
                dirty = false
            }
            guard let key = terminal.readKey(timeoutMilliseconds: 100) else { continue }
            if key == .resize {
                screen.invalidate()
                dirty = true
                continue
            }
            let body = ChapterView.body(width: size.width, height: size.height)
            switch state.handle(key, width: body.width, height: body.height, ascii: ascii) {
            case .stay: dirty = true
            case .close: return 0
            case .quit: return 130
            }
        }
    }
}
