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
        guard batchSize >= 1 else { throw .invalidFlag("--batch-size must be at least 1 (got \(batchSize))") }
        guard learningRate.isFinite && learningRate > 0 else { throw .invalidFlag("--lr must be a finite number above 0 (got \(learningRate))") }
        guard momentum.isFinite && momentum >= 0 else { throw .invalidFlag("--momentum must be a finite number ≥ 0 (got \(momentum))") }
        guard weightDecay.isFinite && weightDecay >= 0 else { throw .invalidFlag("--weight-decay must be a finite number ≥ 0 (got \(weightDecay))") }
        guard epochs >= 1 && epochs <= Self.maxEpochs else { throw .invalidFlag("--epochs must be between 1 and \(Self.maxEpochs) (got \(epochs))") }
        if let steps { guard steps >= 1 && steps <= Self.maxSteps else { throw .invalidFlag("--steps must be between 1 and \(Self.maxSteps) (got \(steps))") } }
        if let threads { guard threads >= 1 && threads <= 1024 else { throw .invalidFlag("--threads must be between 1 and 1024 (got \(threads))") } }
        guard dataParallel >= 1 && dataParallel <= 64 else { throw .invalidFlag("--data-parallel must be between 1 and 64 (got \(dataParallel))") }
        guard distributedTimeout.isFinite && distributedTimeout >= 0 else { throw .invalidFlag("--distributed-timeout must be a number of seconds ≥ 0 (got \(distributedTimeout))") }
        guard evaluateEvery >= 1 else { throw .invalidFlag("--eval-every must be at least 1 (got \(evaluateEvery))") }
    }
}
