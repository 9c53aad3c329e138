/// One row of the key table (`KeyMap.bindings`): the keys, the action each one triggers, and how
/// the help overlay and the footer name them. The key map, the help and the footer all read
/// the same table, so a key cannot be bound without being documented, or documented without
/// being bound.
public struct KeyBinding: Sendable {
    /// The keys and what each does: `+` and `=` raise the learning rate, `-` and `_` lower it.
    public var triggers: [Trigger]
    /// The help overlay's key column: "+  -".
    public var keys: String
    /// The help overlay's description.
    public var help: String
    /// How the footer names the binding, if it appears there at all.
    public var footer: FooterHint?

    public struct Trigger: Sendable, Equatable {
        public var key: Key
        public var action: Action

        public init(_ key: Key, _ action: Action) {
            self.key = key
            self.action = action
        }
    }

    public init(_ triggers: [Trigger], keys: String, help: String, footer: FooterHint? = nil) {
        self.triggers = triggers
        self.keys = keys
        self.help = help
        self.footer = footer
    }

    /// A binding for letters in both cases (and any other characters) that all do one thing.
    public init(characters: String, _ action: Action, keys: String, help: String, footer: FooterHint? = nil) {
        self.init(characters.map { Trigger(.character($0), action) }, keys: keys, help: help, footer: footer)
    }
}

/// A binding's entry in the footer: `space pause`, `+/- lr`.
public struct FooterHint: Sendable, Equatable {
    public var keys: String
    public var text: String
    /// Said instead of `text` while training is paused ("resume" for space).
    public var whilePaused: String?
    /// Lower is more useful: with little room the footer keeps the lowest ranks.
    public var rank: Int
    /// Always shown however narrow the terminal (how to learn the rest, how to leave).
    public var essential: Bool

    public init(_ keys: String, _ text: String, whilePaused: String? = nil, rank: Int, essential: Bool = false) {
        self.keys = keys
        self.text = text
        self.whilePaused = whilePaused
        self.rank = rank
        self.essential = essential
    }

    public func text(running: Bool) -> String {
        running ? text : whilePaused ?? text
    }
}
