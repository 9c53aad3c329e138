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
            case "w", "W": return .openLessons
            case "q", "Q": return .quit
            case "1": return .focus(.loss)
            case "2": return .focus(.gradients)
            case "3": return .focus(.graph)
            case "4": return .focus(.backward)
            case "k": return .up
            case "j": return .down
            default: return nil
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
        ("tab  shift-tab", "next / previous panel (1-4 jump to one)"),
        ("↑ ↓  j k", "select a node or parameter; scroll; zoom the loss"),
        ("← →", "graph: fold / unfold the module; loss: zoom"),
        ("pgup pgdn home end", "page through the selected panel"),
        ("enter  c", "graph: fold / unfold the selected module"),
        ("a", "graph: fold / unfold every module"),
        ("esc", "close help; graph: follow the backward stepper"),
        ("w", "the worksheet's lessons (a)-(i), run live (q to come back)"),
        ("?  h", "this help"),
        ("q  ctrl-c", "quit"),
    ]
}
