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
    /// How many colours the terminal shows (0 without colours; 8, 256, ...): the theme passes it
    /// to the widgets, which draw pictures in xterm's palette only where there are 256.
    public let colorCount: Int
    /// Which colour pair each (foreground, background) has, created on first use and recycled
    /// once off screen (a picture in 256 colours needs more pairs over a run than there are).
    private var pairs: ColorPairTable
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
            // A direct-colour terminal (xterm-direct: COLORS = 2^24) numbers colours by RGB value,
            // not by palette index: it gets the basic eight, which it numbers as everyone does.
            let count = Int(blitz_COLORS())
            colorCount = count > 256 ? 8 : count
            // init_pair takes a short: pairs 1...32767 at most, whatever COLOR_PAIRS says.
            pairs = ColorPairTable(capacity: min(Int(blitz_COLOR_PAIRS()) - 1, Int(Int16.max)))
        } else {
            self.colors = false
            colorCount = 0
            pairs = ColorPairTable(capacity: 0)
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
        if colors {
            let now = size
            if now.width != pairs.width || now.height != pairs.height {
                // A new size repaints every cell, so no pair is on screen until this draw puts it there.
                pairs.resize(width: now.width, height: now.height)
            }
        }
        for run in runs {
            let pair = pair(run.style)
            pairs.place(pair, x: run.x, y: run.y, count: run.count)
            wattr_set(window, attributes(run.style), Int16(pair), nil)
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

    /// The colour pair for a style's colours (pair 0 is the default), defined when first used.
    private func pair(_ style: Style) -> Int {
        guard colors else { return 0 }
        let foreground = ColorPairTable.number(style.foreground, colorCount: colorCount)
        let background = ColorPairTable.number(style.background, colorCount: colorCount)
        let assignment = pairs.pair(foreground: foreground, background: background)
        if assignment.define {
            init_pair(Int16(assignment.pair), foreground, background)
        }
        return assignment.pair
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
