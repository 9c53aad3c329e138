import Trainer

extension TUIApp {
    /// Runs the screen until q, ctrl-C or a terminating signal; sends .quit to the trainer and
    /// restores the terminal on every way out. Returns the exit status (0, or 128 + signal).
    public static func run(control: any TrainingControl, options: TUIOptions) throws -> Int32 {
        let utf8 = Environment.adoptLocale()
        let ascii = options.ascii ?? !utf8
        let colors = options.colors ?? !Environment.noColor
        // Asked before ncurses takes the terminal (and only when colours will be used).
        let background = options.background ?? (colors && Environment.isInteractive ? TerminalBackground.detect() : nil) ?? .dark
        let terminal = try CursesTerminal(colors: colors)
        defer { terminal.restore() }
        // A terminal without colours gets the monochrome theme, whose distinctions are all
        // in attributes, rather than a colour theme with its colours missing.
        let theme = Theme(colors: terminal.colors, ascii: ascii, background: background, colorCount: terminal.colorCount)
        return run(control: control, terminal: terminal, theme: theme, framesPerSecond: options.framesPerSecond)
    }

    /// The loop, on any terminal: read keys (waiting at most a frame), apply them, poll the
    /// snapshot, and draw (only what changed, at most `framesPerSecond` times a second, and
    /// only when the snapshot's version, the UI state or the size changed).
    public static func run(control: any TrainingControl, terminal: any Terminal, theme: Theme, framesPerSecond: Int = 30) -> Int32 {
        let previousHandlers = Signals.install()
        defer {
            Signals.uninstall(previousHandlers)
            terminal.restore()
        }
        let screen = Screen(terminal: terminal)
        let clock = ContinuousClock()
        let frameInterval = Duration.milliseconds(1000 / max(1, framesPerSecond))
        var state = AppState()
        var snapshot = control.latestSnapshot
        var seenVersion: Int? = nil
        var lastFrame: ContinuousClock.Instant? = nil
        var dirty = true
        var status: Int32 = 0

        loop: while true {
            if let sig = Signals.pending {
                status = 128 + sig
                break
            }
            snapshot = control.latestSnapshot
            if snapshot.version != seenVersion {
                seenVersion = snapshot.version
                state.observe(snapshot)
                dirty = true
            }
            let size = terminal.size
            if size != state.viewport {
                state.viewport = size
                dirty = true
            }
            let now = clock.now
            let due = lastFrame.map { now - $0 >= frameInterval } ?? true
            if dirty && due {
                let frame = render(snapshot: snapshot, state: state, width: size.width, height: size.height, theme: theme)
                screen.present(frame)
                lastFrame = now
                dirty = false
            }
            // Wait for a key until the next frame may be drawn; then take every key already typed.
            let wait = dirty ? max(1, milliseconds(frameInterval - (clock.now - (lastFrame ?? now)))) : milliseconds(frameInterval)
            var key = terminal.readKey(timeoutMilliseconds: wait)
            var handled = 0
            while let k = key {
                if k == .resize {
                    screen.invalidate()
                    dirty = true
                } else if var lessons = state.lessons {
                    // The lessons viewer has the keys while it is open; training goes on behind it.
                    let body = ChapterView.body(width: size.width, height: size.height)
                    switch lessons.handle(k, width: body.width, height: body.height, ascii: theme.symbols == .ascii) {
                    case .stay:
                        state.lessons = lessons
                    case .close:
                        state.lessons = nil
                    case .quit:
                        state.lessons = nil
                        for command in state.apply(.quit, snapshot: snapshot) { control.send(command) }
                    }
                    dirty = true
                } else if let action = KeyMap.action(for: k) {
                    let before = state
                    for command in state.apply(action, snapshot: snapshot) {
                        control.send(command)
                    }
                    if state != before { dirty = true }
                }
                if state.shouldQuit { break loop }
                handled += 1
                key = handled < 256 ? terminal.readKey(timeoutMilliseconds: 0) : nil
            }
        }
        if !state.shouldQuit {
            control.send(.quit)
        }
        return status
    }

    /// Rounded up: a wait cut short by a fraction of a millisecond would wake just before the
    /// frame is due, and the frame would wait for the next key.
    private static func milliseconds(_ d: Duration) -> Int {
        let (seconds, attoseconds) = d.components
        let whole = Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        let partial = attoseconds % 1_000_000_000_000_000 > 0 ? 1 : 0
        return max(0, whole + partial)
    }
}
