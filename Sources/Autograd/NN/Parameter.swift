/// Parameters and PyTorch's default initialisation.
///
/// A parameter is a leaf tensor that requires grad and is registered on a module, which sets its
/// `name` to the dotted name (`fc1.weight`). Linear and Conv2d draw weight and bias uniformly
/// from [−1/√fan_in, 1/√fan_in], weight first, as `reset_parameters()` does (for the weight that
/// is kaiming_uniform_ with a = √5, which works out to the same bound).
extension Tensor {
    /// `nn.Parameter(data)`: a leaf sharing `data`'s storage that requires grad.
    public static func parameter(_ data: Tensor) -> Tensor {
        ensure(data.dtype.isFloatingPoint, "only Tensors of floating point dtype can require gradients (got \(data.dtype))")
        let leaf = data.detach()
        try! leaf.requireGrad()
        return leaf
    }
}

/// Initialisers, as in torch.nn.init.
public enum Init {
    /// The bound PyTorch's layers use: 1/√fan_in (0 for an empty fan-in).
    public static func defaultBound(fanIn: Int) -> Double {
        fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
    }

    /// A parameter uniform in [−bound, bound), like `nn.init.uniform_(w, -bound, bound)`.
    public static func uniformParameter(_ shape: [Int], bound: Double, dtype: DType = .float32,
                                        generator: inout RandomGenerator) -> Tensor {
        .parameter(Tensor.uniform(shape, low: -bound, high: bound, dtype: dtype, generator: &generator))
    }
}

extension DefaultGenerator {
    /// A generator seeded from the process-wide one, for layers built without an explicit
    /// generator: `manualSeed` then makes them reproducible, as `torch.manual_seed` does.
    static func split() -> RandomGenerator {
        RandomGenerator(seed: nextSeed())
    }

    /// The next value of the process-wide stream, as a seed for a generator of one's own.
    static func nextSeed() -> UInt64 {
        withGenerator { $0.next() }
    }
}
