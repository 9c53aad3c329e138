/// The wall time of each training step of one run, kept only where it measures what a step at
/// full speed costs: a step inside an epoch, not the first of its epoch (that one pays for the
/// epoch's end: an evaluation, a new shuffle, the loader's first batch) nor the last (a partial
/// batch), and not one of the warm-up steps (kernel compilation, the allocator filling up).
///
/// Timing N₂ steps minus N₁ steps in two processes mixes those in; the median of these does not.
public struct StepTimes: Sendable {
    /// Milliseconds per step, in the order the steps ran.
    public private(set) var milliseconds: [Double] = []

    private let warmUp: Int
    private var previous: (step: Int, epoch: Int, nanoseconds: UInt64)?
    /// The last step's time, kept once the next step shows it was not the last of its epoch.
    private var pending: (epoch: Int, milliseconds: Double)?

    /// `warmUp`: the steps, counted from the run's first, whose times are never kept.
    public init(warmUp: Int) {
        self.warmUp = warmUp
    }

    /// Records that `step` of `epoch` ended at `nanoseconds` (a monotonic clock).
    public mutating func record(step: Int, epoch: Int, nanoseconds: UInt64) {
        if let p = pending, p.epoch == epoch {
            milliseconds.append(p.milliseconds)
        }
        pending = nil
        if let last = previous, last.epoch == epoch, last.step == step - 1, step > warmUp,
           nanoseconds >= last.nanoseconds {
            pending = (epoch, Double(nanoseconds - last.nanoseconds) / 1e6)
        }
        previous = (step, epoch, nanoseconds)
    }

    /// The median of the kept times (the mean of the middle two for an even count); nil if none.
    public var median: Double? {
        guard !milliseconds.isEmpty else { return nil }
        let sorted = milliseconds.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
