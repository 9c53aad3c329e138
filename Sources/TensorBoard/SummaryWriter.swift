/// PyTorch's `torch.utils.tensorboard.SummaryWriter`, the part blitz-tui uses: scalars and
/// histograms by tag and step, into an event file in `logdir`.
public final class SummaryWriter: Sendable {
    public let logdir: String
    public let file: EventFileWriter

    public init(logdir: String, flushInterval: Double = 2, maxFileBytes: Int = 256 << 20) throws(TensorBoardError) {
        self.logdir = logdir
        file = try EventFileWriter(folder: logdir, flushInterval: flushInterval, maxFileBytes: maxFileBytes)
    }

    /// `add_scalar(tag, value, global_step)`: stored as a 32-bit float (`simple_value`), as PyTorch does.
    public func addScalar(_ tag: String, _ value: Double, step: Int) {
        file.add(Event(wallTime: EventFileWriter.wallTime(), step: Int64(step),
                       what: .summary([SummaryValue(tag: tag, value: .scalar(Float(value)))])))
    }

    /// `add_histogram(tag, values, global_step)` with the default ("tensorflow") buckets.
    public func addHistogram(_ tag: String, _ values: [Double], step: Int) {
        guard let histogram = Histogram.make(values) else { return }
        file.add(Event(wallTime: EventFileWriter.wallTime(), step: Int64(step),
                       what: .summary([SummaryValue(tag: tag, value: .histogram(histogram))])))
    }

    public func flush() { file.flush() }
    public func close() { file.close() }
}
