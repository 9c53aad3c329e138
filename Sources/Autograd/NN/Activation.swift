/// Layers without parameters: ReLU, Flatten and Dropout, as in torch.nn.

/// max(0, x) elementwise (ReluBackward0).
public final class ReLU: Module {
    public override init() { super.init() }

    public override func forward(_ input: Tensor) -> Tensor { input.relu() }
}

/// Flattens dimensions `startDim...endDim` into one; by default all but the batch dimension,
/// as torch.nn.Flatten does (torch.flatten's own default starts at 0).
public final class Flatten: Module {
    public let startDim: Int
    public let endDim: Int

    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        input.flatten(startDim: startDim, endDim: endDim)
    }

    public override var extraDescription: String { "start_dim=\(startDim), end_dim=\(endDim)" }
}

/// In training, zeroes each element with probability p and scales the rest by 1/(1 − p); in
/// evaluation it passes the input through. The module owns its generator, so a seed fixes every mask.
public final class Dropout: Module {
    public let p: Double
    private var generator: RandomGenerator

    public init(p: Double = 0.5, seed: UInt64) {
        ensure(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        self.p = p
        self.generator = RandomGenerator(seed: seed)
        super.init()
    }

    /// Seeded from `generator` (say, the one that initialises the rest of the model).
    public convenience init(p: Double = 0.5, generator: inout RandomGenerator) {
        self.init(p: p, seed: generator.next())
    }

    /// Seeded from the process-wide generator, as PyTorch's dropout draws from it.
    public convenience init(p: Double = 0.5) {
        self.init(p: p, seed: DefaultGenerator.nextSeed())
    }

    public override func forward(_ input: Tensor) -> Tensor {
        input.dropout(p: p, training: isTraining, generator: &generator)
    }

    public override var extraDescription: String { "p=\(p), inplace=False" }
}
