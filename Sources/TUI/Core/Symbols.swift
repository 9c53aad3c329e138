// The drawing characters, in a UTF-8 set and an ASCII set. Widgets pick symbols from here
// rather than relying on TextFold, so the ASCII screen is designed, not merely transliterated.

public struct Symbols: Sendable, Equatable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    public var teeRight: Character      // ├
    public var teeDown: Character       // ┬ (axis ticks)
    public var corner: Character        // └ (tree, last child)
    public var barFull: Character
    /// Eighths of a cell for bar ends, from 1/8 to 7/8 (empty in ASCII: no partial cells there).
    public var barEighths: [Character]
    public var barGrowth: Character
    public var expanded: Character
    public var collapsed: Character
    public var nextMarker: Character
    public var ranMarker: Character
    public var doneMarker: Character
    public var separator: String
    public var ellipsis: String
    public var braille: Bool

    public static let unicode = Symbols(
        horizontal: "─", vertical: "│", topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯",
        teeRight: "├", teeDown: "┬", corner: "└", barFull: "█",
        barEighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"], barGrowth: "▒",
        expanded: "▾", collapsed: "▸", nextMarker: "▶", ranMarker: "●", doneMarker: "✓",
        separator: " │ ", ellipsis: "…", braille: true)

    public static let ascii = Symbols(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeRight: "+", teeDown: "+", corner: "`", barFull: "#",
        barEighths: [], barGrowth: "+",
        expanded: "-", collapsed: "+", nextMarker: ">", ranMarker: "*", doneMarker: ".",
        separator: " | ", ellipsis: "...", braille: false)
}
