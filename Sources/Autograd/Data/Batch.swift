/// A mini-batch as plain values: what the DataLoader's prefetch queue hands to the training loop.
///
/// Tensors are not Sendable, so a batch crosses threads as arrays and becomes tensors on the
/// consumer's thread (`tensors()`), exactly where the model lives.
public struct Batch: Sendable, Equatable {
    /// Features of every sample, row-major, shape `inputShape` = [n] + sample shape.
    public var inputs: [Float]
    public var inputShape: [Int]
    /// One class label per sample (int64, as PyTorch's cross_entropy wants them).
    public var labels: [Int64]
    /// The data set indices the batch was built from, in batch order.
    public var indices: [Int]

    public init(inputs: [Float], inputShape: [Int], labels: [Int64], indices: [Int]) {
        ensure(Shape.count(inputShape) == inputs.count, "Batch: \(inputs.count) inputs for shape \(Shape.describe(inputShape))")
        ensure(inputShape.first == labels.count && labels.count == indices.count, "Batch: \(labels.count) labels for \(inputShape.first ?? 0) samples")
        self.inputs = inputs
        self.inputShape = inputShape
        self.labels = labels
        self.indices = indices
    }

    /// Number of samples in the batch (the last one of an epoch may be short).
    public var count: Int { labels.count }

    /// The batch as tensors on the CPU: inputs float32 of `inputShape`, labels int64 of [n].
    public func tensors() -> (inputs: Tensor, labels: Tensor) {
        (Tensor(inputs, shape: inputShape), Tensor(labels, shape: [labels.count]))
    }

    /// The batch as tensors on `device` (`inputs.to(device)`, `labels.to(device)`).
    public func tensors(on device: Device) throws(DeviceError) -> (inputs: Tensor, labels: Tensor) {
        let (inputs, labels) = tensors()
        return (try inputs.to(device), try labels.to(device))
    }

    /// Gathers the samples `indices` of `dataset` into one batch.
    public static func gather(_ indices: [Int], from dataset: any Dataset) -> Batch {
        let size = dataset.featureCount
        let n = indices.count
        var labels = [Int64](repeating: 0, count: n)
        let inputs = [Float](unsafeUninitializedCapacity: n * size) { buffer, initialized in
            for (row, index) in indices.enumerated() {
                let slot = UnsafeMutableBufferPointer(rebasing: buffer[row * size ..< (row + 1) * size])
                dataset.copyFeatures(at: index, into: slot)
                labels[row] = Int64(dataset.label(at: index))
            }
            initialized = n * size
        }
        return Batch(inputs: inputs, inputShape: [n] + dataset.sampleShape, labels: labels, indices: indices)
    }
}
