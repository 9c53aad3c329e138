import Trainer

/// Every key of the TUI in one table: the run loop looks keys up here, the `?` overlay lists
/// the table's rows, and the footer shows the rows that carry a footer hint. Space is pause,
/// so folding a module in the graph is enter (or c). Page keys (`1`-`6`) and the keys of the
/// pages (`x`, `w`) join the table as rows of their own.
public enum KeyMap {
    /// How much + and - multiply or divide the learning rate by.
    public static let learningRateFactor = 2.0

    public static let bindings: [KeyBinding] = [
        KeyBinding(characters: " ", .togglePause, keys: "space", help: "pause / resume training",
                   footer: FooterHint("space", "pause", whilePaused: "resume", rank: 0)),
        KeyBinding(characters: "nN", .step, keys: "n", help: "one training step: zero_grad, forward, backward, step",
                   footer: FooterHint("n", "step", rank: 1)),
        KeyBinding(characters: "bB", .backwardNode, keys: "b", help: "one backward node (pauses; the first runs the forward)",
                   footer: FooterHint("b", "backward node", rank: 2)),
        KeyBinding(characters: "fF", .finishBackward, keys: "f", help: "finish this backward pass and take the optimizer step"),
        KeyBinding(characters: "zZ", .toggleZeroGrad, keys: "z", help: "zero_grad on / off (off: .grad accumulates)",
                   footer: FooterHint("z", "zero_grad", rank: 3)),
        KeyBinding([.init(.character("+"), .increaseLearningRate), .init(.character("="), .increaseLearningRate),
                    .init(.character("-"), .decreaseLearningRate), .init(.character("_"), .decreaseLearningRate)],
                   keys: "+  -", help: "learning rate ×2 / ÷2", footer: FooterHint("+/-", "lr", rank: 5)),
        KeyBinding([.init(.character("<"), .slower), .init(.character(","), .slower),
                    .init(.character(">"), .faster), .init(.character("."), .faster)],
                   keys: "<  >", help: "training speed: 1 2 5 10 20 50 100 200 500/s, max",
                   footer: FooterHint("< >", "speed", rank: 4)),
        KeyBinding(characters: "rR", .resetRun, keys: "r",
                   help: "reset the run: step 0, fresh weights, zero_grad on",
                   footer: FooterHint("r", "reset", rank: 6)),
        KeyBinding(characters: "lL", .toggleLossScale, keys: "l", help: "loss chart: linear / log scale",
                   footer: FooterHint("l", "log", rank: 8)),
        KeyBinding(Page.allCases.map { .init(.character($0.key), .showPage($0)) },
                   keys: "1-\(Page.allCases.count)",
                   help: Page.allCases.map(\.title).joined(separator: ", "),
                   footer: FooterHint("1-\(Page.allCases.count)", "pages", rank: 9)),
        KeyBinding([.init(.tab, .nextPanel), .init(.backTab, .previousPanel)],
                   keys: "tab  shift-tab", help: "Train page: next / previous panel", footer: FooterHint("tab", "panel", rank: 7)),
        KeyBinding(characters: "xX", .toggleInOptimizer, keys: "x",
                   help: "Optimizer page: parameter out of the optimizer and back"),
        KeyBinding([.init(.up, .up), .init(.down, .down), .init(.character("k"), .up), .init(.character("j"), .down)],
                   keys: "↑ ↓  j k", help: "select a node or parameter; scroll; zoom the loss"),
        KeyBinding([.init(.left, .left), .init(.right, .right)],
                   keys: "← →", help: "graph: fold / unfold the module; loss: zoom"),
        KeyBinding([.init(.pageUp, .pageUp), .init(.pageDown, .pageDown), .init(.home, .home), .init(.end, .end)],
                   keys: "pgup pgdn home end", help: "page through the selected panel"),
        // One row for both folds, so the whole table fits an 80×24 screen.
        KeyBinding([.init(.enter, .toggleModule), .init(.character("c"), .toggleModule), .init(.character("C"), .toggleModule),
                    .init(.character("a"), .toggleAllModules), .init(.character("A"), .toggleAllModules)],
                   keys: "enter c  a", help: "graph: fold / unfold the module (a: every module)"),
        KeyBinding([.init(.escape, .escape)], keys: "esc", help: "close help; graph: follow the backward stepper"),
        KeyBinding(characters: "wW", .openLessons, keys: "w",
                   help: "the worksheet's lessons (a)-(i), run live; q comes back",
                   footer: FooterHint("w", "lessons", rank: 9)),
        KeyBinding(characters: "?hH", .toggleHelp, keys: "?  h", help: "this help",
                   footer: FooterHint("?", "help", rank: 0, essential: true)),
        KeyBinding([.init(.character("q"), .quit), .init(.character("Q"), .quit), .init(.interrupt, .quit)],
                   keys: "q  ctrl-c", help: "quit", footer: FooterHint("q", "quit", rank: 0, essential: true)),
    ]

    /// The action bound to `key`, if any.
    public static func action(for key: Key) -> Action? {
        for binding in bindings {
            for trigger in binding.triggers where trigger.key == key {
                return trigger.action
            }
        }
        return nil
    }

    /// The help overlay's lines: every row of the table, in order.
    public static var help: [(keys: String, action: String)] {
        bindings.map { ($0.keys, $0.help) }
    }

    /// The footer's entries, in the table's order.
    public static var footer: [FooterHint] {
        bindings.compactMap(\.footer)
    }
}
