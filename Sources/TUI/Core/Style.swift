// A cell's look: foreground and background colour and a few attributes. Text and panels use the
// eight colours every terminal has; a monochrome theme uses attributes alone, so nothing depends
// on colour. Pictures (the Data page's CIFAR-10 images) may use an index of xterm's 256-colour
// palette, but only when the theme says the terminal has it (Theme.colorCount); the terminal
// maps an index it cannot show to the nearest colour it can. Style is stored per cell and
// compared per cell by the frame diff, so it stays a few bytes of plain values.

public enum Color: Sendable, Equatable, Hashable {
    /// The terminal's own colour (use_default_colors), so the screen keeps the user's palette.
    case `default`
    case black
    case red
    case green
    case yellow
    case blue
    case magenta
    case cyan
    case white
    /// An index of xterm's 256-colour palette (Palette256): 16–231 the colour cube, 232–255 greys.
    case indexed(UInt8)
}

public struct Attributes: OptionSet, Sendable, Equatable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = Attributes(rawValue: 1 << 0)
    public static let dim = Attributes(rawValue: 1 << 1)
    public static let reverse = Attributes(rawValue: 1 << 2)
    public static let underline = Attributes(rawValue: 1 << 3)
}

public struct Style: Sendable, Equatable {
    public var foreground: Color
    public var background: Color
    public var attributes: Attributes

    public init(foreground: Color = .default, background: Color = .default, attributes: Attributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()

    public func adding(_ extra: Attributes) -> Style {
        var copy = self
        copy.attributes.formUnion(extra)
        return copy
    }
}
