import Models

/// What the Data page shows: the data set and the DataLoader's arithmetic, the order this epoch
/// visits the samples in (beside the previous epoch's), and the batch being trained on.
public struct DataRecord: Sendable, Equatable {
    public var dataset: String
    public var trainCount: Int
    public var testCount: Int
    public var sampleShape: [Int]
    public var classNames: [String]
    public var batchSize: Int
    /// `len(loader)`, and the size of the last batch (equal to batchSize when it divides).
    public var batchesPerEpoch: Int
    public var lastBatchSize: Int
    public var shuffle: Bool
    /// 1-based epoch, and the first indices of its order and of the previous epoch's.
    public var epoch: Int
    public var order: [Int]
    public var previousOrder: [Int]?
    public var batch: BatchRecord?

    public init(dataset: String, trainCount: Int, testCount: Int, sampleShape: [Int], classNames: [String], batchSize: Int,
                batchesPerEpoch: Int, lastBatchSize: Int, shuffle: Bool, epoch: Int, order: [Int], previousOrder: [Int]?,
                batch: BatchRecord?) {
        self.dataset = dataset
        self.trainCount = trainCount
        self.testCount = testCount
        self.sampleShape = sampleShape
        self.classNames = classNames
        self.batchSize = batchSize
        self.batchesPerEpoch = batchesPerEpoch
        self.lastBatchSize = lastBatchSize
        self.shuffle = shuffle
        self.epoch = epoch
        self.order = order
        self.previousOrder = previousOrder
        self.batch = batch
    }
}

/// The batch of the last training step: which samples, their labels, what the model predicted,
/// and each image: one-channel images as grey levels (0 black … 1 white), colour images (CIFAR-10)
/// as the RGB bytes the data set stores, before any normalisation, so the screen shows the
/// pictures as they are rather than what the net's inputs became.
public struct BatchRecord: Sendable, Equatable {
    /// 1-based position in the epoch.
    public var number: Int
    public var indices: [Int]
    public var labels: [Int]
    /// argmax of the logits of the forward that used this batch.
    public var predictions: [Int]
    /// The tensor's shape (`[4, 1, 32, 32]`).
    public var shape: [Int]
    public var imageHeight: Int
    public var imageWidth: Int
    /// One row-major height×width plane per sample (empty when samples are not images, or are
    /// colour images: those are in `colourImages`).
    public var images: [[Float]]
    /// Colour images as stored, one per sample (empty for grey images and other data).
    public var colourImages: [ImagePreview]

    public init(number: Int, indices: [Int], labels: [Int], predictions: [Int], shape: [Int], imageHeight: Int,
                imageWidth: Int, images: [[Float]], colourImages: [ImagePreview] = []) {
        self.number = number
        self.indices = indices
        self.labels = labels
        self.predictions = predictions
        self.shape = shape
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.images = images
        self.colourImages = colourImages
    }
}

/// Test results per class from the last evaluation: `counts[truth][predicted]`.
public struct ConfusionMatrix: Sendable, Equatable {
    public var step: Int
    public var classNames: [String]
    public var counts: [[Int]]

    public init(step: Int, classNames: [String], counts: [[Int]]) {
        self.step = step
        self.classNames = classNames
        self.counts = counts
    }

    /// Correct / total for class `c` (nil when the test set has none of it).
    public func accuracy(ofClass c: Int) -> Double? {
        let total = counts[c].reduce(0, +)
        return total > 0 ? Double(counts[c][c]) / Double(total) : nil
    }

    public var accuracy: Double {
        let total = counts.joined().reduce(0, +)
        let correct = counts.indices.reduce(0) { $0 + counts[$1][$1] }
        return total > 0 ? Double(correct) / Double(total) : 0
    }
}
