import Autograd

/// Everything a training run is made of, as the command line gives it. Validated (with the data
/// and the model themselves) before a single step runs.
public struct TrainingConfiguration: Sendable, Equatable {
    public enum OptimizerKind: String, Sendable, CaseIterable {
        case sgd, adam, adamw
    }

    public var model = "blitz-net"
    public var dataset = "digits"
    public var device: Device = .cpu
    /// CPU threads (nil: all cores).
    public var threads: Int? = nil
    public var optimizer: OptimizerKind = .sgd
    /// The blitz's recipe: SGD, lr 0.001, momentum 0.9, batch 4.
    public var learningRate = 0.001
    public var momentum = 0.9
    public var weightDecay = 0.0
    public var batchSize = 4
    /// Stop after this many epochs, or after `steps` steps when set.
    public var epochs = 10
    public var steps: Int? = nil
    public var seed: UInt64 = 0
    public var shuffle = true
    /// Evaluate test accuracy every this many steps (and at each epoch's end).
    public var evaluateEvery = 1000
    public var initPath: String? = nil
    public var savePath: String? = nil

    public init() {}

    /// Bounds that keep step arithmetic far from overflow; the UI's "until you quit" is maxEpochs.
    public static let maxEpochs = 1_000_000
    public static let maxSteps = 1_000_000_000_000

    /// The checks that need no data or model: ranges and finiteness of the flags.
    public func validateFlags() throws(TrainerError) {
        func fail(_ flag: String, _ value: Any, _ requirement: FlagError.Requirement, _ meaning: String? = nil) -> TrainerError {
            .invalidFlag(FlagError(flag: flag, value: "\(value)", requirement: requirement, meaning: meaning))
        }
        guard batchSize >= 1 else { throw fail("--batch-size", batchSize, .integer(atLeast: 1, atMost: nil)) }
        guard learningRate.isFinite && learningRate > 0 else {
            throw fail("--lr", learningRate, .positive, "the learning rate")
        }
        guard momentum.isFinite && momentum >= 0 else { throw fail("--momentum", momentum, .nonNegative) }
        guard weightDecay.isFinite && weightDecay >= 0 else { throw fail("--weight-decay", weightDecay, .nonNegative) }
        guard epochs >= 1 && epochs <= Self.maxEpochs else { throw fail("--epochs", epochs, .integer(atLeast: 1, atMost: Self.maxEpochs)) }
        if let steps {
            guard steps >= 1 && steps <= Self.maxSteps else { throw fail("--steps", steps, .integer(atLeast: 1, atMost: Self.maxSteps)) }
        }
        if let threads {
            guard threads >= 1 && threads <= 1024 else { throw fail("--threads", threads, .integer(atLeast: 1, atMost: 1024)) }
        }
        guard evaluateEvery >= 1 else { throw fail("--eval-every", evaluateEvery, .integer(atLeast: 1, atMost: nil)) }
    }
}
