import Autograd

/// A data set as a run uses it: the samples it trains on, the samples it measures accuracy on,
/// and the name shown on screen.
public struct DatasetSplit: Sendable {
    public let name: String
    public let train: any Dataset
    public let test: any Dataset

    public init(name: String, train: any Dataset, test: any Dataset) {
        precondition(train.sampleShape == test.sampleShape && train.classNames == test.classNames, "DatasetSplit: train and test differ in shape or classes")
        self.name = name
        self.train = train
        self.test = test
    }

    /// Shape of one sample ([1, 32, 32] for digits, [2] for spirals).
    public var sampleShape: [Int] { train.sampleShape }
    public var classNames: [String] { train.classNames }
    public var classCount: Int { train.classNames.count }
}
