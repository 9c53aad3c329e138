/// A map-style data set, like torch.utils.data.Dataset: `count` samples, each a block of Float32
/// features of `sampleShape` and an integer class label.
///
/// Data sets are immutable values (Sendable), so the DataLoader can read them from its
/// background prefetch queue while the training loop runs. Implementations write a sample's
/// features straight into the batch being assembled (`copyFeatures`), so a batch costs one
/// allocation, not one per sample; `sample(at:)` is the convenient one-sample view.
public protocol Dataset: Sendable {
    /// Number of samples (`len(dataset)`).
    var count: Int { get }
    /// Shape of one sample's features, without the batch dimension: [3, 32, 32], [2], ...
    var sampleShape: [Int] { get }
    /// The class names, indexed by label; `classNames.count` is the number of classes.
    var classNames: [String] { get }
    /// The class label of sample `index` (0 ..< classCount).
    func label(at index: Int) -> Int
    /// Writes sample `index`'s features, row-major, into `destination` (exactly `featureCount` elements).
    func copyFeatures(at index: Int, into destination: UnsafeMutableBufferPointer<Float>)
}

/// One sample as plain values.
public struct Sample: Sendable, Equatable {
    public var features: [Float]
    public var label: Int

    public init(features: [Float], label: Int) {
        self.features = features
        self.label = label
    }
}

extension Dataset {
    /// Number of classes.
    public var classCount: Int { classNames.count }

    /// Elements in one sample's features (3·32·32 = 3,072 for a CIFAR image).
    public var featureCount: Int { Shape.count(sampleShape) }

    /// Sample `index` (`dataset[index]` in PyTorch).
    public func sample(at index: Int) -> Sample {
        ensure(index >= 0 && index < count, "Dataset: index \(index) out of range for \(count) samples")
        let features = [Float](unsafeUninitializedCapacity: featureCount) { buffer, initialized in
            copyFeatures(at: index, into: buffer)
            initialized = featureCount
        }
        return Sample(features: features, label: label(at: index))
    }
}
