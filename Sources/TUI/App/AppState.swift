import Lessons
import Trainer

/// Everything the UI remembers between frames that is not in the trainer's snapshot: which
/// panel has focus, the loss chart's scale and zoom, the graph's selection and folded modules,
/// and the gradient norms of one backward pass (to show accumulation). A plain value: the
/// frame is a function of (snapshot, state, size), and keys are functions of (state, snapshot).
public struct AppState: Sendable, Equatable {
    /// The page on screen (1-5), and on the Optimizer page the parameter it looks at.
    public var page: Page = .train
    public var optimizerSelection = 0
    /// Whether the trainer was asked to record every graph node (the graph panel is focused).
    public var inspectsNodes = false
    /// How far the Model, Forward and Data pages are scrolled (when they are taller than the screen).
    public var pageScroll = 0
    public var focus: Panel = .loss
    public var lossScale: LossScale = .linear
    /// Index into `lossWindows`: how many recent steps the loss chart shows.
    public var lossZoom: Int = 0
    public var showHelp = false
    /// The help's second view: every key, without the page's explanations (for short terminals,
    /// where both do not fit at once).
    public var helpShowsKeysOnly = false
    /// The selected graph node; nil follows the backward stepper (the node that runs next).
    public var graphSelection: Int? = nil
    /// Folded modules, in the order they were folded.
    public var collapsedModules: [String] = []
    public var gradientSelection: Int = 0
    public var backwardScroll: Int = 0
    /// Each parameter's grad norm after a single backward pass since zeroing, for the growth
    /// the gradient panel shows when zero_grad is off.
    public var gradientBaseline: [Double?] = []
    public var baselineNames: [String] = []
    /// The terminal size the last frame was drawn at (scroll limits depend on it).
    public var viewport = TerminalSize(width: 0, height: 0)
    /// The backward stepper's progress when last seen, to scroll its panel back to the top
    /// when a new node runs.
    public var seenBackwardSteps: Int? = nil
    /// The trainer's reset count when last seen: a reset run forgets the old run's selections.
    public var seenResets = 0
    public var shouldQuit = false
    /// The lessons viewer, open over the trainer after `w`; nil when closed.
    public var lessons: LessonsViewerState? = nil

    /// nil: every step.
    public static let lossWindows: [Int?] = [nil, 2000, 500, 100]

    public init() {}

    public var lossWindow: Int? { AppState.lossWindows[min(max(0, lossZoom), AppState.lossWindows.count - 1)] }

    /// Takes in a new snapshot: remembers single-pass gradient norms and keeps selections valid.
    public mutating func observe(_ snapshot: TrainingSnapshot) {
        let names = snapshot.parameters.map(\.name)
        if snapshot.pacing.resets != seenResets {
            seenResets = snapshot.pacing.resets
            baselineNames = []
            graphSelection = nil
            backwardScroll = 0
        }
        if names != baselineNames {
            baselineNames = names
            gradientBaseline = Array(repeating: nil, count: names.count)
        }
        let midPass = snapshot.cursor?.isActive ?? false
        if snapshot.accumulated == 1 && !midPass {
            gradientBaseline = snapshot.parameters.map(\.gradNorm)
        }
        gradientSelection = min(max(0, gradientSelection), max(0, names.count - 1))
        let steps = snapshot.cursor?.stepsRun
        if steps != seenBackwardSteps {
            seenBackwardSteps = steps
            backwardScroll = 0
        }
        if let id = graphSelection, snapshot.graph?.node(id) == nil {
            graphSelection = nil
        }
    }

    /// The graph's rows as they are shown now.
    public func graphRows(_ snapshot: TrainingSnapshot) -> [GraphRow] {
        GraphTree.rows(snapshot.graph, collapsed: collapsedModules)
    }

    /// The selected graph row: the chosen node, or the stepper's next (else last run) node.
    public func selectedGraphRow(_ rows: [GraphRow], _ snapshot: TrainingSnapshot) -> Int? {
        guard !rows.isEmpty else { return nil }
        let cursor = snapshot.cursor
        let follow = cursor?.isActive == true ? cursor?.next ?? cursor?.ran : cursor?.ran
        if let id = graphSelection ?? follow, let row = GraphTree.row(of: id, in: rows) {
            return row
        }
        return 0
    }
}
