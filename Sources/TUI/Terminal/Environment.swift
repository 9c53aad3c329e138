// What the process's environment says about drawing: whether the locale is UTF-8 (box drawing
// and braille need it) and whether the user asked for no colour (https://no-color.org).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum Environment {
    /// Adopts the user's locale (ncurses needs it for UTF-8) and says whether it is UTF-8.
    static func adoptLocale() -> Bool {
        setlocale(LC_ALL, "")
        // Only the character set matters to the screen; numbers keep C's conventions so that
        // parsing and printing elsewhere in the process (strtod, printf) do not change with it.
        setlocale(LC_NUMERIC, "C")
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// NO_COLOR set to anything non-empty turns colour off.
    static var noColor: Bool {
        guard let value = getenv("NO_COLOR") else { return false }
        return value.pointee != 0
    }

    static var term: String {
        getenv("TERM").map { String(cString: $0) } ?? ""
    }

    static var isInteractive: Bool {
        isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0
    }
}
