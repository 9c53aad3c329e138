// What each kind of thing on screen looks like, in colour and in monochrome. Widgets ask for a
// meaning ("the node that runs next", "a large gradient"), never for a colour, so NO_COLOR or a
// terminal without colours still shows every distinction through bold, reverse and dim.
//
// Contrast: every pair is checked against xterm's palette (ThemeContrastTests), on a dark
// background: text at least 4.5:1, lines and bars at least 3:1. Two things about real terminals
// matter there: bold on one of the eight basic colours is drawn in its bright variant (xterm's
// boldColors, on by default), so bold black text on green becomes grey on green (1.9:1) and
// dark text on a coloured background is never bold; and the basic blue is too dark on black
// (2.2:1) for text or lines. On a light background (xterm's own default is black on white) the
// basic yellow, green and cyan are unreadable (1.7–2.2:1 on white) and bold makes red and
// magenta brighter, so paler: the light variant speaks in blue, red, magenta and black, and
// emphasises coloured text by colour alone. Which background a terminal has is asked of it
// (TerminalBackground) or given with --background.

/// Whether the terminal draws on a dark or a light background.
public enum Background: String, Sendable, Equatable, CaseIterable {
    case dark
    case light
}

public struct Theme: Sendable, Equatable {
    public var colors: Bool
    public var symbols: Symbols
    public var background: Background
    /// How many colours the terminal shows, as it reports them: 0 without colours (NO_COLOR, a
    /// monochrome terminal), 8 for the basic ones, 256 for xterm's palette. What the terminal can
    /// do travels with the theme into every widget at render time, so a page picks a colour
    /// picture or grey levels for the terminal in front of it (`showsPalette256`).
    public var colorCount: Int

    /// `colorCount` counts only with `colors` (NO_COLOR or a monochrome terminal make it 0).
    public init(colors: Bool, ascii: Bool, background: Background = .dark, colorCount: Int = 8) {
        self.colors = colors
        self.symbols = ascii ? .ascii : .unicode
        self.background = background
        self.colorCount = colors ? max(0, colorCount) : 0
    }

    /// Whether pictures may use `Color.indexed`: colours on, and at least xterm's 256.
    public var showsPalette256: Bool { colors && colorCount >= 256 }

    private func pick(_ color: Style, _ mono: Style) -> Style { colors ? color : mono }

    /// The dark-background style, its light-background variant, or the monochrome one.
    private func pick(_ dark: Style, light: Style, _ mono: Style) -> Style {
        guard colors else { return mono }
        return background == .dark ? dark : light
    }

    /// `style` made to stand out: bold, except where bold would pale a basic colour on a light
    /// background (there the colour alone marks it).
    public func emphasized(_ style: Style) -> Style {
        let palesWhenBold = style.background == .default && ![.default, .black, .blue].contains(style.foreground)
        return colors && background == .light && palesWhenBold ? style : style.adding(.bold)
    }

    public var text: Style { .plain }
    public var dim: Style { Style(attributes: .dim) }
    public var label: Style { pick(Style(foreground: .cyan), light: Style(foreground: .blue), .plain) }
    public var value: Style { Style(attributes: .bold) }
    public var title: Style { Style(attributes: .bold) }
    public var border: Style { pick(.plain, Style(attributes: .dim)) }
    public var borderFocused: Style {
        pick(Style(foreground: .cyan, attributes: .bold), light: Style(foreground: .blue, attributes: .bold), Style(attributes: .bold))
    }
    public var good: Style {
        pick(Style(foreground: .green, attributes: .bold), light: Style(attributes: .bold), Style(attributes: .bold))
    }
    public var warning: Style {
        pick(Style(foreground: .yellow, attributes: .bold), light: Style(foreground: .magenta), Style(attributes: [.bold, .underline]))
    }
    public var bad: Style {
        pick(Style(foreground: .red, attributes: .bold), light: Style(foreground: .white, background: .red), Style(attributes: [.bold, .reverse]))
    }
    public var key: Style {
        pick(Style(foreground: .yellow, attributes: .bold), light: Style(foreground: .blue, attributes: .bold), Style(attributes: .bold))
    }
    public var selected: Style { Style(attributes: .reverse) }
    public var statusBar: Style { pick(Style(foreground: .white, background: .blue), Style(attributes: .reverse)) }
    public var running: Style { pick(Style(foreground: .black, background: .green), Style(attributes: .bold)) }
    public var paused: Style { pick(Style(foreground: .black, background: .yellow), Style(attributes: [.bold, .underline])) }
    public var zeroGradOff: Style { pick(Style(foreground: .white, background: .red, attributes: .bold), Style(attributes: [.bold, .underline])) }

    // Graph and backward stepper.
    public var ranNode: Style {
        pick(Style(foreground: .green, attributes: .bold), light: Style(foreground: .black, background: .green), Style(attributes: .bold))
    }
    public var nextNode: Style { pick(Style(foreground: .black, background: .yellow), Style(attributes: [.bold, .underline])) }
    public var doneNode: Style { pick(Style(foreground: .green), light: Style(foreground: .blue), Style(attributes: .dim)) }
    public var module: Style { pick(Style(foreground: .magenta, attributes: .bold), light: Style(foreground: .magenta), .plain) }
    public var shape: Style { pick(Style(foreground: .cyan), light: Style(foreground: .blue), Style(attributes: .dim)) }

    // Loss chart.
    public var chartRaw: Style { pick(Style(foreground: .magenta), Style(attributes: .dim)) }
    public var chartMean: Style {
        pick(Style(foreground: .yellow, attributes: .bold), light: Style(foreground: .red), Style(attributes: .bold))
    }
    public var chartAccuracy: Style { pick(Style(foreground: .green), light: Style(foreground: .blue), .plain) }
    public var axis: Style { Style(attributes: .dim) }

    /// A gradient norm's colour: small ones cool, large ones hot. Decades, because what
    /// matters for a learner is the order of magnitude (vanishing, healthy, exploding).
    public func magnitude(_ norm: Double) -> Style {
        guard colors else { return norm >= 10 ? Style(attributes: .bold) : .plain }
        let light = background == .light
        if !norm.isFinite || norm >= 10 { return Style(foreground: .red, attributes: light ? .underline : .bold) }
        if norm >= 1 { return Style(foreground: light ? .magenta : .yellow) }
        if norm >= 1e-2 { return Style(foreground: light ? .default : .green) }
        return Style(foreground: light ? .blue : .cyan)
    }

    /// The part of a bar that grew because zero_grad is off.
    public var growth: Style { pick(Style(foreground: .red, attributes: .bold), light: Style(foreground: .red), Style(attributes: .bold)) }
}
