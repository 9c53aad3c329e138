import ArgumentParser
import Autograd
import Trainer

/// What to run and on what: the options `graph` shares with `train` (the graph of one iteration
/// depends on the model, the data's shapes, the batch size, the device and the weights, but not
/// on the optimizer or the length of training).
struct ModelOptions: ParsableArguments {
    @Option(help: "Model: blitz-net or mlp (mlp:256,128 sets the hidden sizes).")
    var model = "blitz-net"

    @Option(help: "Data set: digits, shapes, spirals, cifar10:DIR or mnist:DIR.")
    var dataset = "digits"

    @Option(help: "Device: cpu, cuda or cuda:N.")
    var device = "cpu"

    @Option(parsing: .unconditional, help: "CPU threads (default: all cores).")
    var threads: Int?

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Samples per batch.")
    var batchSize = 4

    @Option(help: "Seed for initialisation, shuffling and synthetic data: same seed, same threads, same losses.")
    var seed: UInt64 = 0

    @Option(name: .customLong("init"), help: "Load weights from a safetensors state_dict (PyTorch names and layouts) before training.")
    var initPath: String?

    /// A configuration with these options and the defaults for the rest, checked as far as it
    /// can be without data.
    func configuration() throws(TrainerError) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.model = model
        c.dataset = dataset
        guard let parsed = Device(parsing: device) else {
            throw .invalidFlag(FlagError(flag: "--device", value: device, requirement: .oneOf(["cpu", "cuda", "cuda:N"])))
        }
        c.device = parsed
        c.threads = threads
        c.batchSize = batchSize
        c.seed = seed
        c.initPath = initPath
        try c.validateFlags()
        return c
    }
}
