import ArgumentParser
import Autograd
import Trainer

/// The options shared by `train` and `graph`: what to train and how.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Model: blitz-net or mlp (mlp:256,128 sets the hidden sizes).")
    var model = "blitz-net"

    @Option(help: "Data set: digits, shapes, spirals, cifar10 or mnist (downloaded once into the cache), cifar10:DIR or mnist:DIR.")
    var dataset = "digits"

    @Option(help: "Device: cpu, cuda or cuda:N.")
    var device = "cpu"

    @Option(help: "CPU threads (default: all cores).")
    var threads: Int?

    @Option(help: "Optimizer: sgd, adam or adamw.")
    var optimizer = "sgd"

    @Option(help: "Learning rate.")
    var lr: Double = 0.001

    @Option(help: "SGD momentum.")
    var momentum: Double = 0.9

    @Option(name: .customLong("weight-decay"), help: "Weight decay.")
    var weightDecay: Double = 0

    @Option(name: .customLong("batch-size"), help: "Samples per batch.")
    var batchSize = 4

    @Option(help: "Epochs to train (default 10 headless; the UI trains until you quit). Ignored when --steps is given.")
    var epochs: Int?

    @Option(help: "Steps to train (overrides --epochs).")
    var steps: Int?

    @Option(help: "Seed for initialisation, shuffling and synthetic data: same seed, same threads, same losses.")
    var seed: UInt64 = 0

    @Flag(name: .customLong("no-shuffle"), help: "Keep the data set's order.")
    var noShuffle = false

    @Option(name: .customLong("eval-every"), help: "Evaluate test accuracy every N steps (and at each epoch's end).")
    var evalEvery = 1000

    @Option(name: .customLong("init"), help: "Load weights from a safetensors state_dict (PyTorch names and layouts) before training.")
    var initPath: String?

    @Option(help: "Write TensorBoard event files into this folder (tensorboard --logdir DIR to watch).")
    var logdir: String?

    @Option(name: .customLong("histogram-every"), help: "With --logdir: histograms of every parameter and gradient every N steps.")
    var histogramEvery = 100

    /// The configuration, with every flag checked that can be checked without data.
    func configuration() throws(TrainerError) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.model = model
        c.dataset = dataset
        guard let parsed = Device(parsing: device) else {
            throw .invalidFlag("--device must be cpu, cuda or cuda:N (got \(device))")
        }
        c.device = parsed
        c.threads = threads
        guard let kind = TrainingConfiguration.OptimizerKind(rawValue: optimizer.lowercased()) else {
            throw .invalidFlag("--optimizer must be sgd, adam or adamw (got \(optimizer))")
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
        c.logdir = logdir
        c.histogramEvery = histogramEvery
        try c.validateFlags()
        // Last: a download starts only once every other flag is known to be good.
        c.dataset = try DatasetResolution.resolve(dataset)
        return c
    }
}
