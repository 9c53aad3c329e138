#if canImport(Glibc)
import Glibc
#endif
import Testing
import TUI

/// Every colour pair of the theme, measured as xterm draws it (its default 16-colour palette,
/// bold turning the eight basic colours bright), on a dark background (white on black) and,
/// for the light variant, on xterm's own default (black on white): WCAG's contrast ratio, at
/// least 4.5:1 for text and 3:1 for lines, bars and curves.
@Suite struct ThemeContrastTests {
    /// xterm's default palette (XTerm-col.ad): the eight basic colours and their bright variants.
    static let basic: [Color: UInt32] = [
        .black: 0x000000, .red: 0xcd0000, .green: 0x00cd00, .yellow: 0xcdcd00,
        .blue: 0x0000ee, .magenta: 0xcd00cd, .cyan: 0x00cdcd, .white: 0xe5e5e5,
    ]
    static let bright: [Color: UInt32] = [
        .black: 0x7f7f7f, .red: 0xff0000, .green: 0x00ff00, .yellow: 0xffff00,
        .blue: 0x5c5cff, .magenta: 0xff00ff, .cyan: 0x00ffff, .white: 0xffffff,
    ]
    /// The terminal's own colours (foreground, background) on each kind of background.
    static func defaults(_ background: Background) -> (UInt32, UInt32) {
        background == .dark ? (0xe5e5e5, 0x000000) : (0x000000, 0xffffff)
    }

    static func luminance(_ rgb: UInt32) -> Double {
        func channel(_ shift: UInt32) -> Double {
            let c = Double((rgb >> shift) & 0xff) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
    }

    static func ratio(_ a: UInt32, _ b: UInt32) -> Double {
        let (la, lb) = (luminance(a), luminance(b))
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    /// The colours a cell of `style` is drawn in (reverse swaps them; bold brightens the
    /// foreground's basic colour).
    static func colours(_ style: Style, on background: Background) -> (foreground: UInt32, background: UInt32) {
        let bold = style.attributes.contains(.bold)
        let (defaultForeground, defaultBackground) = defaults(background)
        var fg = style.foreground == .default ? defaultForeground : (bold ? bright : basic)[style.foreground]!
        var bg = style.background == .default ? defaultBackground : basic[style.background]!
        if style.attributes.contains(.reverse) { swap(&fg, &bg) }
        return (fg, bg)
    }

    static func contrast(_ style: Style, on background: Background = .dark) -> Double {
        let (fg, bg) = colours(style, on: background)
        return ratio(fg, bg)
    }

    static let theme = Theme(colors: true, ascii: false)

    /// Styles of text, by name.
    static func text(_ theme: Theme) -> [(String, Style)] { [
        ("text", theme.text), ("label", theme.label), ("value", theme.value), ("title", theme.title),
        ("borderFocused", theme.borderFocused), ("good", theme.good), ("warning", theme.warning), ("bad", theme.bad),
        ("key", theme.key), ("selected", theme.selected), ("statusBar", theme.statusBar),
        ("statusBar bold", theme.statusBar.adding(.bold)), ("running", theme.running), ("paused", theme.paused),
        ("zeroGradOff", theme.zeroGradOff), ("ranNode", theme.ranNode), ("nextNode", theme.nextNode),
        ("doneNode", theme.doneNode), ("shape", theme.shape),
        ("chartRaw in the legend", theme.emphasized(theme.chartRaw)), ("chartMean", theme.chartMean),
        ("module in the graph", theme.module), ("chartAccuracy", theme.chartAccuracy),
        ("chartAccuracy in the legend", theme.emphasized(theme.chartAccuracy)), ("growth", theme.growth),
    ] + [1e-5, 0.05, 2, 50].map { ("magnitude \($0) value", theme.emphasized(theme.magnitude($0))) } }

    /// Styles of lines, bars and curves.
    static func graphics(_ theme: Theme) -> [(String, Style)] { [
        ("border", theme.border), ("chartRaw", theme.chartRaw), ("chartMean", theme.chartMean),
        ("chartAccuracy", theme.chartAccuracy),
    ] + [1e-5, 0.05, 2, 50].map { ("magnitude \($0) bar", theme.magnitude($0)) } }

    @Test(arguments: Background.allCases)
    func textIsReadable(on background: Background) {
        for (name, style) in Self.text(Theme(colors: true, ascii: false, background: background)) {
            let c = Self.contrast(style, on: background)
            #expect(c >= 4.5, "\(background): \(name): \(c)")
        }
    }

    @Test(arguments: Background.allCases)
    func linesBarsAndCurvesStandOut(on background: Background) {
        for (name, style) in Self.graphics(Theme(colors: true, ascii: false, background: background)) {
            let c = Self.contrast(style, on: background)
            #expect(c >= 3, "\(background): \(name): \(c)")
        }
    }

    /// The dark theme's yellow keys and cyan labels on white are what the light variant is for.
    @Test func theDarkThemeWouldFailOnWhite() {
        #expect(Self.contrast(Self.theme.key, on: .light) < 2)
        #expect(Self.contrast(Self.theme.label, on: .light) < 2.5)
    }

    /// What the issue saw in a real xterm: bold black on green reads as grey on green.
    @Test func boldDarkTextOnColourIsWhatFailed() {
        #expect(Self.contrast(Style(foreground: .black, background: .green, attributes: .bold)) < 2)
        #expect(Self.contrast(Self.theme.running) > 9)
        #expect(!Self.theme.running.attributes.contains(.bold))
        #expect(!Self.theme.paused.attributes.contains(.bold))
        #expect(!Self.theme.nextNode.attributes.contains(.bold))
    }
}

/// Which background the terminal has, from COLORFGBG or from the terminal's own answer.
@Suite struct TerminalBackgroundTests {
    @Test func colorFgBg() {
        #expect(TerminalBackground.fromColorFgBg("15;0") == .dark)
        #expect(TerminalBackground.fromColorFgBg("0;15") == .light)
        #expect(TerminalBackground.fromColorFgBg("12;default;7") == .light)
        #expect(TerminalBackground.fromColorFgBg("7;8") == .dark)
        #expect(TerminalBackground.fromColorFgBg("default;default") == nil)
        #expect(TerminalBackground.fromColorFgBg(nil) == nil)
    }

    @Test func osc11Replies() {
        func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
        #expect(TerminalBackground.fromReply(bytes("\u{1B}]11;rgb:ffff/ffff/ffff\u{7}\u{1B}[?64;1c")) == .light)
        #expect(TerminalBackground.fromReply(bytes("\u{1B}]11;rgb:0000/0000/0000\u{1B}\\")) == .dark)
        #expect(TerminalBackground.fromReply(bytes("\u{1B}]11;rgb:fd/f6/e3\u{7}")) == .light)   // Solarized light
        #expect(TerminalBackground.fromReply(bytes("\u{1B}]11;rgb:2828/2c2c/3434\u{7}")) == .dark)
        #expect(TerminalBackground.fromReply(bytes("\u{1B}[?62;22c")) == nil)
        #expect(TerminalBackground.fromReply(bytes("\u{1B}]11;rgb:zz/00/00\u{7}")) == nil)
        #expect(TerminalBackground.fromReply([]) == nil)
    }
}
