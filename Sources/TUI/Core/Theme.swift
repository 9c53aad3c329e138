// What each kind of thing on screen looks like, in colour and in monochrome. Widgets ask for a
// meaning ("the node that runs next", "a large gradient"), never for a colour, so NO_COLOR or a
// terminal without colours still shows every distinction through bold, reverse and dim.

public struct Theme: Sendable, Equatable {
    public var colors: Bool
    public var symbols: Symbols

    public init(colors: Bool, ascii: Bool) {
        self.colors = colors
        self.symbols = ascii ? .ascii : .unicode
    }

    private func pick(_ color: Style, _ mono: Style) -> Style { colors ? color : mono }

    public var text: Style { .plain }
    public var dim: Style { Style(attributes: .dim) }
    public var label: Style { pick(Style(foreground: .cyan), .plain) }
    public var value: Style { Style(attributes: .bold) }
    public var title: Style { Style(attributes: .bold) }
    public var border: Style { pick(Style(foreground: .blue), Style(attributes: .dim)) }
    public var borderFocused: Style { pick(Style(foreground: .cyan, attributes: .bold), Style(attributes: .bold)) }
    public var good: Style { pick(Style(foreground: .green, attributes: .bold), Style(attributes: .bold)) }
    public var warning: Style { pick(Style(foreground: .yellow, attributes: .bold), Style(attributes: [.bold, .underline])) }
    public var bad: Style { pick(Style(foreground: .red, attributes: .bold), Style(attributes: [.bold, .reverse])) }
    public var key: Style { pick(Style(foreground: .yellow, attributes: .bold), Style(attributes: .bold)) }
    public var selected: Style { Style(attributes: .reverse) }
    public var statusBar: Style { pick(Style(foreground: .white, background: .blue), Style(attributes: .reverse)) }
    public var running: Style { pick(Style(foreground: .black, background: .green, attributes: .bold), Style(attributes: .bold)) }
    public var paused: Style { pick(Style(foreground: .black, background: .yellow, attributes: .bold), Style(attributes: [.bold, .underline])) }
    public var zeroGradOff: Style { pick(Style(foreground: .white, background: .red, attributes: .bold), Style(attributes: [.bold, .underline])) }

    // Graph and backward stepper.
    public var ranNode: Style { pick(Style(foreground: .green, attributes: .bold), Style(attributes: .bold)) }
    public var nextNode: Style { pick(Style(foreground: .black, background: .yellow, attributes: .bold), Style(attributes: [.bold, .underline])) }
    public var doneNode: Style { pick(Style(foreground: .green), Style(attributes: .dim)) }
    public var module: Style { pick(Style(foreground: .magenta), .plain) }
    public var shape: Style { pick(Style(foreground: .cyan), Style(attributes: .dim)) }

    // Loss chart.
    public var chartRaw: Style { pick(Style(foreground: .blue), Style(attributes: .dim)) }
    public var chartMean: Style { pick(Style(foreground: .yellow, attributes: .bold), Style(attributes: .bold)) }
    public var chartAccuracy: Style { pick(Style(foreground: .green), .plain) }
    public var axis: Style { Style(attributes: .dim) }

    /// A gradient norm's colour: small ones cool, large ones hot. Decades, because what
    /// matters for a learner is the order of magnitude (vanishing, healthy, exploding).
    public func magnitude(_ norm: Double) -> Style {
        guard colors else { return norm >= 10 ? Style(attributes: .bold) : .plain }
        if !norm.isFinite || norm >= 10 { return Style(foreground: .red, attributes: .bold) }
        if norm >= 1 { return Style(foreground: .yellow) }
        if norm >= 1e-2 { return Style(foreground: .green) }
        return Style(foreground: .cyan)
    }

    /// The part of a bar that grew because zero_grad is off.
    public var growth: Style { pick(Style(foreground: .red, attributes: .bold), Style(attributes: .bold)) }
}
