/// A data set held as one flat Float32 array and its labels, like torch.utils.data.TensorDataset
/// (with arrays, since tensors cannot cross threads). Small synthetic sets and tests use it.
public struct ArrayDataset: Dataset {
    public let features: [Float]
    public let labels: [Int]
    public let sampleShape: [Int]
    public let classNames: [String]

    /// `features` holds `labels.count` samples of `sampleShape`, one after another.
    public init(features: [Float], labels: [Int], sampleShape: [Int], classNames: [String]) {
        let size = Shape.count(sampleShape)
        ensure(features.count == labels.count * size, "ArrayDataset: \(features.count) features for \(labels.count) samples of shape \(Shape.describe(sampleShape))")
        ensure(labels.allSatisfy { $0 >= 0 && $0 < classNames.count }, "ArrayDataset: a label is outside 0..<\(classNames.count)")
        self.features = features
        self.labels = labels
        self.sampleShape = sampleShape
        self.classNames = classNames
    }

    public var count: Int { labels.count }

    public func label(at index: Int) -> Int { labels[index] }

    public func copyFeatures(at index: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        let size = featureCount
        ensure(destination.count == size, "ArrayDataset: destination of \(destination.count) for a sample of \(size)")
        features.withUnsafeBufferPointer { source in
            let start = source.baseAddress! + index * size
            destination.baseAddress!.update(from: start, count: size)
        }
    }
}
