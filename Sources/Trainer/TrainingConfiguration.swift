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
    /// TensorBoard: write event files into this folder (`--logdir`), scalars every step and
    /// histograms of every parameter and gradient every `histogramEvery` steps.
    public var logdir: String? = nil
    public var histogramEvery = 100
    /// The Distributions page: sample weights, gradients and dead ReLU units every this many
    /// steps (nil: not collected, as in headless runs).
    public var distributionEvery: Int? = nil
    /// Replicas of the model in this process (DataParallel); 1 trains the plain model.
    public var dataParallel = 1
    /// One rank of an MPI job (DistributedDataParallel): gradients averaged over the ranks.
    public var distributed = false
    /// Seconds a rank waits for the others in a collective before it gives up (0: for ever).
    public var distributedTimeout = 120.0

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
        guard histogramEvery >= 1 else {
            throw fail("--histogram-every", histogramEvery, .integer(atLeast: 1, atMost: nil))
        }
        if let distributionEvery {
            guard distributionEvery >= 1 else {
                throw fail("distribution sampling (steps)", distributionEvery, .integer(atLeast: 1, atMost: nil))
            }
        }
        guard dataParallel >= 1 && dataParallel <= 64 else {
            throw fail("--data-parallel", dataParallel, .integer(atLeast: 1, atMost: 64))
        }
        guard distributedTimeout.isFinite && distributedTimeout >= 0 else {
            throw fail("--distributed-timeout", distributedTimeout, .nonNegative, "seconds")
        }
        guard evaluateEvery >= 1 else { throw fail("--eval-every", evaluateEvery, .integer(atLeast: 1, atMost: nil)) }
    }
}
