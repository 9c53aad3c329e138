import ArgumentParser
import Autograd
import Trainer

/// The options of `train`: what to run (ModelOptions) and how to train it.
struct TrainingOptions: ParsableArguments {
    @OptionGroup var setup: ModelOptions

    @Option(help: "Optimizer: sgd, adam or adamw.")
    var optimizer = "sgd"

    @Option(parsing: .unconditional, help: "Learning rate (above 0).")
    var lr: Double = 0.001

    @Option(parsing: .unconditional, help: "SGD momentum.")
    var momentum: Double = 0.9

    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "Weight decay.")
    var weightDecay: Double = 0

    @Option(parsing: .unconditional, help: "Epochs to train (default 10 headless; the UI trains until you quit). Ignored when --steps is given.")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Steps to train (overrides --epochs).")
    var steps: Int?

    @Flag(name: .customLong("no-shuffle"), help: "Keep the data set's order.")
    var noShuffle = false

    @Option(name: .customLong("eval-every"), parsing: .unconditional, help: "Evaluate test accuracy every N steps (and at each epoch's end).")
    var evalEvery = 1000

    /// The configuration, with every flag checked that can be checked without data.
    func configuration() throws(TrainerError) -> TrainingConfiguration {
        var c = try setup.configuration()
        guard let kind = TrainingConfiguration.OptimizerKind(rawValue: optimizer.lowercased()) else {
            let kinds = TrainingConfiguration.OptimizerKind.allCases.map(\.rawValue)
            throw .invalidFlag(FlagError(flag: "--optimizer", value: optimizer, requirement: .oneOf(kinds)))
        }
        c.optimizer = kind
        c.learningRate = lr
        c.momentum = momentum
        c.weightDecay = weightDecay
        c.epochs = epochs ?? 10
        c.steps = steps
        c.shuffle = !noShuffle
        c.evaluateEvery = evalEvery
        try c.validateFlags()
        return c
    }
}
