// The real terminal: the only file that talks to ncurses. It receives runs of changed cells
// (the diff is done before it), sets attributes and a colour pair per run and writes the text;
// keys come from wget_wch with a timeout, so the loop never blocks the trainer or itself.
// Restoring the terminal is guaranteed on every way out: q, signals (via the loop), thrown
// errors (the caller's defer) and, as a last resort, a crash (a handler for fatal signals that
// calls endwin and hands the signal back to whatever handled it before, e.g. Swift's backtracer).
import CCurses
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class CursesTerminal: Terminal {
    private let screenPointer: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    /// Whether colours are in use: asked for, and the terminal has them.
    public let colors: Bool
    private var pairs: [Int: Int16] = [:]
    private let maximumPairs: Int
    private var restored = false

    /// Starts ncurses on the process's terminal. `colors` is honoured only if the terminal has them.
    public init(colors: Bool) throws {
        guard Environment.isInteractive else { throw TUIError.notATerminal }
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r") else {
            throw TUIError.notATerminal
        }
        // newterm, unlike initscr, returns NULL for an unknown TERM instead of exiting.
        guard let screen = newterm(nil, output, input) else {
            throw TUIError.cannotStartTerminal(term: Environment.term)
        }
        set_term(screen)
        // A terminal that cannot place the cursor would get the frames as a scroll of garbage.
        guard blitz_can_address_cursor() != 0 else {
            endwin()
            delscreen(screen)
            throw TUIError.noCursorAddressing(term: Environment.term)
        }
        screenPointer = screen
        window = blitz_stdscr()
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        set_escdelay(25)
        curs_set(0)
        if colors && has_colors() {
            start_color()
            use_default_colors()
            self.colors = true
            maximumPairs = Int(max(0, tigetnum("pairs")))
        } else {
            self.colors = false
            maximumPairs = 0
        }
        CursesTerminal.installCrashHandlers()
    }

    deinit {
        restore()
    }

    public var size: TerminalSize {
        var rows: Int32 = 0
        var columns: Int32 = 0
        blitz_getmaxyx(window, &rows, &columns)
        return TerminalSize(width: Int(columns), height: Int(rows))
    }

    public func draw(_ runs: [ScreenBuffer.Run]) {
        guard !restored else { return }
        for run in runs {
            wattr_set(window, attributes(run.style), pair(run.style), nil)
            // Writing the bottom-right cell returns ERR (the cursor cannot move past it), but
            // the character is drawn: nothing to handle.
            _ = mvwaddstr(window, Int32(run.y), Int32(run.x), run.text)
        }
        wattr_set(window, blitz_A_NORMAL(), 0, nil)
        wrefresh(window)
    }

    public func invalidate() {
        guard !restored else { return }
        clearok(window, true)
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        guard !restored else { return nil }
        wtimeout(window, Int32(max(0, timeoutMilliseconds)))
        var code: wint_t = 0
        let result = wget_wch(window, &code)
        if result == KEY_CODE_YES {
            return CursesTerminal.key(forCode: Int32(code))
        }
        guard result == OK else { return nil }
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 3: return .interrupt
        default:
            guard let scalar = Unicode.Scalar(UInt32(code)) else { return .other(Int32(bitPattern: UInt32(code))) }
            return .character(Character(scalar))
        }
    }

    static func key(forCode code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case blitz_KEY_RESIZE(): return .resize
        default: return .other(code)
        }
    }

    public func restore() {
        guard !restored else { return }
        restored = true
        curs_set(1)
        endwin()
        delscreen(screenPointer)
        CursesTerminal.uninstallCrashHandlers()
    }

    private func attributes(_ style: Style) -> attr_t {
        var a = blitz_A_NORMAL()
        if style.attributes.contains(.bold) { a |= blitz_A_BOLD() }
        if style.attributes.contains(.dim) { a |= blitz_A_DIM() }
        if style.attributes.contains(.reverse) { a |= blitz_A_REVERSE() }
        if style.attributes.contains(.underline) { a |= blitz_A_UNDERLINE() }
        return a
    }

    /// The colour pair for a style's colours, created on first use (pair 0 is the default).
    private func pair(_ style: Style) -> Int16 {
        guard colors, style.foreground != .default || style.background != .default else { return 0 }
        let key = Int(style.foreground.rawValue) << 8 | Int(style.background.rawValue)
        if let existing = pairs[key] { return existing }
        let number = pairs.count + 1
        guard number < maximumPairs, number < Int(Int16.max) else { return 0 }
        init_pair(Int16(number), CursesTerminal.curses(style.foreground), CursesTerminal.curses(style.background))
        pairs[key] = Int16(number)
        return Int16(number)
    }

    private static func curses(_ color: Color) -> Int16 {
        switch color {
        case .default: return -1
        case .black: return Int16(COLOR_BLACK)
        case .red: return Int16(COLOR_RED)
        case .green: return Int16(COLOR_GREEN)
        case .yellow: return Int16(COLOR_YELLOW)
        case .blue: return Int16(COLOR_BLUE)
        case .magenta: return Int16(COLOR_MAGENTA)
        case .cyan: return Int16(COLOR_CYAN)
        case .white: return Int16(COLOR_WHITE)
        }
    }

    // MARK: Crash handling

    private static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    private static func installCrashHandlers() {
        for sig in fatalSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                endwin()
                // Hand the signal back: a fault repeats when the handler returns, an abort is
                // raised again; either way the previous handler (Swift's backtracer) reports it
                // on a terminal that is readable again.
                var previous = previousCrashActions[Int(sig)]
                sigaction(sig, &previous, nil)
                if sig == SIGABRT || sig == SIGTRAP {
                    raise(sig)
                }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var previous = sigaction()
            sigaction(sig, &action, &previous)
            previousCrashActions[Int(sig)] = previous
        }
    }

    private static func uninstallCrashHandlers() {
        for sig in fatalSignals {
            var previous = previousCrashActions[Int(sig)]
            sigaction(sig, &previous, nil)
        }
    }
}

/// The fatal-signal handlers that were installed before ours, indexed by signal number.
/// nonisolated(unsafe): written only on the main thread before our handlers are installed, and
/// read only inside them or by uninstallCrashHandlers on the main thread; a signal handler
/// cannot take a lock, and by then the array no longer changes.
nonisolated(unsafe) private var previousCrashActions: [sigaction] = Array(repeating: sigaction(), count: 65)
