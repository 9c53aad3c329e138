// Keeps every cell one column wide and, in ASCII mode, every cell ASCII. Text from the trainer
// (names, messages) and the UI's own symbols both pass through here, so a stray wide or control
// character can never shift a row, and a terminal without UTF-8 never sees a multi-byte sequence.

enum TextFold {
    /// ASCII spellings for the symbols the UI uses; anything else non-ASCII becomes "?". Products are
    /// written with the dot operator ⋅ (folds to "*") and separators with the middle dot · (folds to
    /// "."), so "0.9⋅0.0079" stays a product in ASCII instead of reading "0.9.0.0079".
    private static let asciiTable: [Character: String] = [
        "─": "-", "━": "=", "│": "|", "┃": "|", "┌": "+", "┐": "+", "└": "`", "┘": "+",
        "├": "+", "┤": "+", "┬": "+", "┴": "+", "┼": "+", "╭": "+", "╮": "+", "╰": "+", "╯": "+",
        "▶": ">", "▸": ">", "▾": "v", "◀": "<", "▲": "^", "▼": "v", "•": "*", "●": "*", "·": ".",
        "…": "...", "ᵀ": "^T", "Σ": "sum ", "×": "x", "÷": "/", "‖": "|", "→": "->", "←": "<-",
        "↑": "^", "↓": "v", "✓": "+", "≈": "~", "∂": "d", "Δ": "d", "⊙": "*", "█": "#", "▒": "+", "░": ".",
        "−": "-", "²": "^2", "√": "sqrt", "≥": ">=", "≤": "<=", "–": "-", "—": "-", "⁻": "^-",
        "¹": "1", "⁰": "0", "η": "lr", "σ": "sigma", "∞": "inf", "α": "a", "β": "b",
        "ˣ": "^x", "ⁿ": "^n", "⋆": "*", "ε": "eps", "▏": "|", "▎": "|", "▍": "|", "▌": "|", "▋": "|", "▊": "|", "▉": "|", "⋅": "*",
    ]

    /// The cells `character` occupies: itself when it is safe, else its folded spelling.
    static func fold(_ character: Character, ascii: Bool) -> [Character] {
        if let one = singleOrNil(character, ascii: ascii) { return [one] }
        return Array(spelling(character))
    }

    /// The one cell `character` becomes, or nil when its ASCII spelling takes several. This is
    /// the hot path (every cell of every frame): no allocation for the common cases.
    @inline(__always)
    static func singleOrNil(_ character: Character, ascii: Bool) -> Character? {
        if let v = character.asciiValue {
            return v < 0x20 || v == 0x7f ? "?" : character
        }
        if !ascii {
            return isSingleWidth(character) ? character : "?"
        }
        if let spelled = asciiTable[character] {
            return spelled.count == 1 ? spelled.first! : nil
        }
        return isBraille(character) ? "." : "?"
    }

    private static func spelling(_ character: Character) -> String {
        asciiTable[character] ?? "?"
    }

    /// Calls `body` with each cell of `character`, folded.
    @inline(__always)
    static func forEachCell(_ character: Character, ascii: Bool, _ body: (Character) -> Void) {
        if let one = singleOrNil(character, ascii: ascii) {
            body(one)
        } else {
            for c in spelling(character) { body(c) }
        }
    }

    /// For single-cell writes (a cell can hold one character): the first of the folded ones.
    static func single(_ character: Character, ascii: Bool) -> Character {
        singleOrNil(character, ascii: ascii) ?? spelling(character).first ?? "?"
    }

    /// The number of columns `text` takes once folded.
    static func width(_ text: String, ascii: Bool) -> Int {
        var n = 0
        for c in text {
            forEachCell(c, ascii: ascii) { _ in n += 1 }
        }
        return n
    }

    private static func isControl(_ c: Character) -> Bool {
        guard let v = c.asciiValue else { return false }
        return v < 0x20 || v == 0x7f
    }

    private static func isBraille(_ c: Character) -> Bool {
        guard c.unicodeScalars.count == 1, let v = c.unicodeScalars.first?.value else { return false }
        return v >= 0x2800 && v <= 0x28FF
    }

    /// One scalar from ranges terminals draw one column wide: Latin, Greek, punctuation,
    /// arrows, maths, box drawing, blocks, geometric shapes, braille. Wide (CJK, emoji) and
    /// combining sequences are refused rather than guessed at.
    private static func isSingleWidth(_ c: Character) -> Bool {
        let scalars = c.unicodeScalars
        guard scalars.count == 1, let v = scalars.first?.value else { return false }
        if v < 0x20 || (v >= 0x7f && v < 0xa0) { return false }
        if v < 0x0300 { return true }
        if v >= 0x0370 && v < 0x0530 { return true }   // Greek, Cyrillic
        if v >= 0x1D00 && v < 0x1DC0 { return true }   // phonetic extensions (ᵀ)
        if v >= 0x2010 && v < 0x2028 { return true }   // dashes, quotes, bullet, ellipsis
        if v >= 0x2030 && v < 0x2060 { return true }
        if v >= 0x2070 && v < 0x2300 { return true }   // super/subscripts, arrows, maths
        if v >= 0x2500 && v < 0x25FD { return true }   // box drawing, blocks, shapes
        if v >= 0x2800 && v < 0x2900 { return true }   // braille
        return v == 0x2713                              // ✓ (the emoji-presentation ones are wide)
    }
}
