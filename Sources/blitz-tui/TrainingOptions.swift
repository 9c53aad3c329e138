import ArgumentParser
import Autograd
import Trainer

/// The options shared by `train` and `graph`: what to train and how.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Model: blitz-net or mlp (mlp:256,128 sets the hidden sizes).")
    var model = "blitz-net"

    @Option(help: "Data set: digits, shapes, spirals, cifar10:DIR or mnist:DIR.")
    var dataset = "digits"

    @Option(help: "Device: cpu, cuda or cuda:N.")
    var device = "cpu"

    @Option(parsing: .unconditional, help: "CPU threads (default: all cores).")
    var threads: Int?

    @Option(help: "Optimizer: sgd, adam or adamw.")
    var optimizer = "sgd"

    @Option(parsing: .unconditional, help: "Learning rate (above 0).")
    var lr: Double = 0.001

    @Option(parsing: .unconditional, help: "SGD momentum.")
    var momentum: Double = 0.9

    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "Weight decay.")
    var weightDecay: Double = 0

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Samples per batch.")
    var batchSize = 4

    @Option(parsing: .unconditional, help: "Epochs to train (default 10 headless; the UI trains until you quit). Ignored when --steps is given.")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Steps to train (overrides --epochs).")
    var steps: Int?

    @Option(help: "Seed for initialisation, shuffling and synthetic data: same seed, same threads, same losses.")
    var seed: UInt64 = 0

    @Flag(name: .customLong("no-shuffle"), help: "Keep the data set's order.")
    var noShuffle = false

    @Option(name: .customLong("eval-every"), parsing: .unconditional, help: "Evaluate test accuracy every N steps (and at each epoch's end).")
    var evalEvery = 1000

    @Option(name: .customLong("init"), help: "Load weights from a safetensors state_dict (PyTorch names and layouts) before training.")
    var initPath: String?

    /// The configuration, with every flag checked that can be checked without data.
    func configuration() throws(TrainerError) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.model = model
        c.dataset = dataset
        guard let parsed = Device(parsing: device) else {
            throw .invalidFlag(FlagError(flag: "--device", value: device, requirement: .oneOf(["cpu", "cuda", "cuda:N"])))
        }
        c.device = parsed
        c.threads = threads
        guard let kind = TrainingConfiguration.OptimizerKind(rawValue: optimizer.lowercased()) else {
            let kinds = TrainingConfiguration.OptimizerKind.allCases.map(\.rawValue)
            throw .invalidFlag(FlagError(flag: "--optimizer", value: optimizer, requirement: .oneOf(kinds)))
        }
        c.optimizer = kind
        c.learningRate = lr
        c.momentum = momentum
        c.weightDecay = weightDecay
        c.batchSize = batchSize
        c.epochs = epochs ?? 10
        c.steps = steps
        c.seed = seed
        c.shuffle = !noShuffle
        c.evaluateEvery = evalEvery
        c.initPath = initPath
        try c.validateFlags()
        return c
    }
}
