#if canImport(Glibc)
import Glibc
#endif
import Testing
import TUI

/// Every colour pair of the theme, measured as xterm draws it (its default 16-colour palette,
/// bold turning the eight basic colours bright), on a dark background: WCAG's contrast ratio,
/// at least 4.5:1 for text and 3:1 for lines, bars and curves.
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
    /// The terminal's own colours, as a dark-background terminal has them.
    static let defaultForeground: UInt32 = 0xe5e5e5
    static let defaultBackground: UInt32 = 0x000000

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
    static func colours(_ style: Style) -> (foreground: UInt32, background: UInt32) {
        let bold = style.attributes.contains(.bold)
        var fg = style.foreground == .default ? defaultForeground : (bold ? bright : basic)[style.foreground]!
        var bg = style.background == .default ? defaultBackground : basic[style.background]!
        if style.attributes.contains(.reverse) { swap(&fg, &bg) }
        return (fg, bg)
    }

    static func contrast(_ style: Style) -> Double {
        let (fg, bg) = colours(style)
        return ratio(fg, bg)
    }

    static let theme = Theme(colors: true, ascii: false)

    /// Styles of text, by name.
    static let text: [(String, Style)] = [
        ("text", theme.text), ("label", theme.label), ("value", theme.value), ("title", theme.title),
        ("borderFocused", theme.borderFocused), ("good", theme.good), ("warning", theme.warning), ("bad", theme.bad),
        ("key", theme.key), ("selected", theme.selected), ("statusBar", theme.statusBar),
        ("statusBar bold", theme.statusBar.adding(.bold)), ("running", theme.running), ("paused", theme.paused),
        ("zeroGradOff", theme.zeroGradOff), ("ranNode", theme.ranNode), ("nextNode", theme.nextNode),
        ("doneNode", theme.doneNode), ("shape", theme.shape),
        ("chartRaw bold (legend)", theme.chartRaw.adding(.bold)), ("chartMean", theme.chartMean),
        ("chartAccuracy", theme.chartAccuracy), ("chartAccuracy bold", theme.chartAccuracy.adding(.bold)),
        ("growth", theme.growth),
    ] + [1e-5, 0.05, 2, 50].map { ("magnitude \($0) value", theme.magnitude($0).adding(.bold)) }

    /// Styles of lines, bars and curves.
    static let graphics: [(String, Style)] = [
        ("border", theme.border), ("chartRaw", theme.chartRaw),
    ] + [1e-5, 0.05, 2, 50].map { ("magnitude \($0) bar", theme.magnitude($0)) }

    @Test func textIsReadable() {
        for (name, style) in Self.text {
            let c = Self.contrast(style)
            #expect(c >= 4.5, "\(name): \(c)")
        }
    }

    @Test func linesBarsAndCurvesStandOut() {
        for (name, style) in Self.graphics {
            let c = Self.contrast(style)
            #expect(c >= 3, "\(name): \(c)")
        }
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
