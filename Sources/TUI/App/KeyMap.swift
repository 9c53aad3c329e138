import Trainer

/// Keys to actions. Space is pause, so folding a module in the graph is enter (or c).
public enum KeyMap {
    /// How much + and - multiply or divide the learning rate by.
    public static let learningRateFactor = 2.0

    public static func action(for key: Key) -> Action? {
        switch key {
        case .character(let c):
            switch c {
            case " ": return .togglePause
            case "n", "N": return .step
            case "b", "B": return .backwardNode
            case "f", "F": return .finishBackward
            case "z", "Z": return .toggleZeroGrad
            case "+", "=": return .increaseLearningRate
            case "-", "_": return .decreaseLearningRate
            case "l", "L": return .toggleLossScale
            case "c", "C": return .toggleModule
            case "a", "A": return .toggleAllModules
            case "?", "h", "H": return .toggleHelp
            case "q", "Q": return .quit
            case "x", "X": return .toggleInOptimizer
            case "k": return .up
            case "j": return .down
            default: return Page(key: c).map(Action.showPage)
            }
        case .up: return .up
        case .down: return .down
        case .left: return .left
        case .right: return .right
        case .pageUp: return .pageUp
        case .pageDown: return .pageDown
        case .home: return .home
        case .end: return .end
        case .enter: return .toggleModule
        case .tab: return .nextPanel
        case .backTab: return .previousPanel
        case .escape: return .escape
        case .interrupt: return .quit
        case .backspace, .resize, .other: return nil
        }
    }

    /// The help overlay's lines: every key, in one place.
    public static let help: [(keys: String, action: String)] = [
        ("space", "pause / resume training"),
        ("n", "one training step: zero_grad, forward, backward, step"),
        ("b", "one backward node (pauses; the first runs the forward)"),
        ("f", "finish this backward pass and take the optimizer step"),
        ("z", "zero_grad on / off (off: .grad accumulates)"),
        ("+  -", "learning rate ×2 / ÷2"),
        ("l", "loss chart: linear / log scale"),
        ("1 2 3 4 5", "pages: Train, Model, Forward, Optimizer, Data"),
        ("tab  shift-tab", "Train page: next / previous panel"),
        ("↑ ↓  j k", "select a node or parameter; scroll; zoom the loss"),
        ("← →", "graph: fold / unfold the module; loss: zoom"),
        ("pgup pgdn home end", "page through the selected panel"),
        ("enter  c", "graph: fold / unfold the selected module"),
        ("a", "graph: fold / unfold every module"),
        ("x", "Optimizer page: take the parameter out of the optimizer / put it back"),
        ("esc", "close help; graph: follow the backward stepper"),
        ("?  h", "this help"),
        ("q  ctrl-c", "quit"),
    ]
}
