/// Text from outside (tensor names from a file, paths, keys) made safe to print in one line.
///
/// A name in a checkpoint can carry anything: `ESC]0;…BEL` retitles the terminal, `ESC[2J`
/// clears it, a newline forges a second message, a 10 MB name floods the screen. Every control
/// character (C0, DEL, C1) and every character that reorders text (the bidirectional overrides
/// and isolates) is shown as an escape (`\e`, `\n`, `\u{202E}`), and text longer than `limit`
/// characters is cut with a count of what was left out.
public enum PrintableText {
    /// The default length at which names and paths are cut.
    public static let defaultLimit = 120

    /// `text` escaped and cut to at most `limit` characters (plus the note of what was cut).
    public static func escaped(_ text: String, limit: Int = defaultLimit) -> String {
        var out = ""
        var shown = 0
        var total = 0
        for scalar in text.unicodeScalars {
            total += 1
            guard shown < limit else { continue }
            out += escape(scalar)
            shown += 1
        }
        if total > shown {
            out += "… (\(total - shown) more characters)"
        }
        return out
    }

    /// `"text"`, escaped and cut: how messages quote a name.
    public static func quoted(_ text: String, limit: Int = defaultLimit) -> String {
        "\"" + escaped(text, limit: limit) + "\""
    }

    /// Escapes control characters in a whole message, keeping its line breaks (for the last
    /// line of defence, where a message is printed).
    public static func safeMessage(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            out += scalar == "\n" || scalar == "\t" ? String(scalar) : escape(scalar)
        }
        return out
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x1B: return "\\e"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x00..<0x20, 0x7F..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C:
            return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default:
            return String(scalar)
        }
    }
}
