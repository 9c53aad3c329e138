import Trainer

/// The loss history as one array, kept between frames by the run loop: the history only grows,
/// so each frame copies just the losses added since the last one instead of all of them.
public final class LossCache {
    public private(set) var values: [Double] = []

    public init() {}

    /// The history's values, extended from the cache when it is the same history grown.
    public func values(of history: LossHistory) -> [Double] {
        let count = history.count
        let known = values.count
        // Another history (a new session, a shorter one) or the same one? Compare the last
        // cached loss bit for bit (NaN included).
        let sameHistory = known <= count && (known == 0 || history[known - 1].bitPattern == values[known - 1].bitPattern)
        if !sameHistory {
            values = history.all
        } else if count > known {
            values += history.values(known..<count)
        }
        return values
    }
}
