import Trainer

/// What a key asks the UI to do. Actions are interpreted by AppState.apply, which changes the
/// UI state and returns the commands to send to the trainer: a pure function, tested without
/// a terminal.
public enum Action: Sendable, Equatable {
    case togglePause
    case step
    case backwardNode
    case finishBackward
    case toggleZeroGrad
    case increaseLearningRate
    case decreaseLearningRate
    /// One rung down or up the speed ladder (1, 2, 5 ... 500 steps/s, max).
    case slower
    case faster
    /// Start the run over from step 0 (fresh weights from the same seed).
    case resetRun
    case nextPanel
    case previousPanel
    case up
    case down
    case left
    case right
    case pageUp
    case pageDown
    case home
    case end
    /// enter or c: fold or unfold the selected module in the graph.
    case toggleModule
    case toggleAllModules
    case toggleLossScale
    case toggleHelp
    /// 1-5: show a page.
    case showPage(Page)
    /// x: take the selected parameter out of the optimizer, or put it back.
    case toggleInOptimizer
    /// w: the worksheet's lessons, full screen over the trainer (which keeps its state).
    case openLessons
    /// esc: close the help, or make the graph follow the backward stepper again.
    case escape
    case quit
}

/// The four panels, in tab order.
public enum Panel: Int, Sendable, Equatable, CaseIterable {
    case loss
    case gradients
    case graph
    case backward

    public var title: String {
        switch self {
        case .loss: return "Loss"
        case .gradients: return "Gradient norms"
        case .graph: return "Graph"
        case .backward: return "Backward step"
        }
    }
}
