/// One character position on the screen. Every character the UI draws is one column wide:
/// ScreenBuffer replaces anything else before it lands in a cell, so columns never drift.
public struct Cell: Sendable, Equatable {
    public var character: Character
    public var style: Style

    public init(_ character: Character = " ", style: Style = .plain) {
        self.character = character
        self.style = style
    }

    public static let blank = Cell()
}
