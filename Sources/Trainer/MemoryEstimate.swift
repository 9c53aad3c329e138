import Autograd
import Models

/// What a run's memory will be, estimated before it starts from the model's size and what a
/// batch produces, so a `--batch-size` or a model too large for the machine is refused with the
/// numbers instead of being killed (or trapping in an allocation) once it runs.
///
/// The estimate counts, in float32: the weights, their gradients and up to two optimizer states
/// (Adam's moments); and per sample of a batch, the input and every layer's output three times
/// (the value, its gradient, and what backward saves), plus the batches prefetched ahead.
public struct MemoryEstimate: Sendable, Equatable, CustomStringConvertible {
    public var batchSize: Int
    /// Weights, gradients and optimizer state.
    public var modelBytes: Double
    public var bytesPerSample: Double
    public var available: Int

    public var totalBytes: Double { modelBytes + Double(batchSize) * bytesPerSample }
    public var fits: Bool { totalBytes <= Double(available) }

    public init(batchSize: Int, parameters: Int, inputFeatures: Int, activationsPerSample: Double,
                prefetch: Int, available: Int = MemorySize.available) {
        self.batchSize = batchSize
        modelBytes = Double(parameters) * 4 * 4
        bytesPerSample = (Double(inputFeatures) * Double(1 + prefetch) + 3 * activationsPerSample) * 4
        self.available = available
    }

    public var description: String {
        func size(_ bytes: Double) -> String { MemorySize.describe(bytes >= Double(Int.max) ? Int.max : Int(bytes)) }
        return "--batch-size \(batchSize) would need about \(size(totalBytes)) of memory (\(size(bytesPerSample)) per sample, "
            + "\(size(modelBytes)) for the weights, gradients and optimizer state), more than the "
            + "\(MemorySize.describe(available)) this machine has: lower --batch-size or the model's size"
    }
}
