/// The UI's pages, numbered by the keys that show them. The trainer is told which one is on
/// screen (`TrainerCommand.showPage`) and computes only the records that page draws, so a page
/// that nobody is looking at costs nothing. A new page is a new case here (and its widget).
public enum Page: Int, Sendable, Equatable, CaseIterable {
    case train = 1
    case model
    case forward
    case optimizer
    case data
    /// Weights', gradients' and dead ReLU units' distributions over time (sampled all along, so
    /// the history is there when the page is opened).
    case distributions

    public var title: String {
        switch self {
        case .train: return "Train"
        case .model: return "Model"
        case .forward: return "Forward"
        case .optimizer: return "Optimizer"
        case .data: return "Data"
        case .distributions: return "Distributions"
        }
    }

    /// The key that shows this page ("1" for Train).
    public var key: Character { Character(String(rawValue)) }

    /// The page a key shows, if any.
    public init?(key: Character) {
        guard let n = key.wholeNumberValue, let page = Page(rawValue: n) else { return nil }
        self = page
    }
}
