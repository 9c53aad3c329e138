/// A fully connected layer, y = x·Wᵀ + b, like torch.nn.Linear.
///
/// The weight is [out, in], as PyTorch stores it. For a 2-D input the forward is exactly
/// PyTorch's: `addmm(bias, input, weight.t())`, which records AddmmBackward0 with edges to the
/// bias, the input and a TBackward0 of the weight. Without a bias it is `input.mm(weight.t())`.
/// Inputs with more dimensions are folded to 2-D around the same product and unfolded after.
public final class Linear: Module {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32,
                generator: inout RandomGenerator) {
        ensure(inFeatures >= 0 && outFeatures >= 0, "Linear: feature counts must be non-negative, got \(inFeatures) and \(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = Init.defaultBound(fanIn: inFeatures)
        weight = Init.uniformParameter([outFeatures, inFeatures], bound: bound, dtype: dtype, generator: &generator)
        self.bias = bias ? Init.uniformParameter([outFeatures], bound: bound, dtype: dtype, generator: &generator) : nil
        super.init()
        registerParameter("weight", weight)
        if let b = self.bias { registerParameter("bias", b) }
    }

    /// Initialised from the process-wide generator (`DefaultGenerator.manualSeed`), as PyTorch does.
    public convenience init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32) {
        var generator = DefaultGenerator.split()
        self.init(inFeatures, outFeatures, bias: bias, dtype: dtype, generator: &generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        ensure(input.rank >= 1, "Linear: expected an input with at least one dimension")
        ensure(input.shape[input.rank - 1] == inFeatures,
               Tensor.addmmShapeError(input: input.shape, mat2: [inFeatures, outFeatures])?.description ?? "")
        switch input.rank {
        case 2:
            return product(input)
        case 1:
            return product(input.unsqueeze(0)).squeeze(0)
        default:
            let lead = Array(input.shape.dropLast())
            return product(input.reshape([-1, inFeatures])).view(lead + [outFeatures])
        }
    }

    private func product(_ x: Tensor) -> Tensor {
        if let bias { return Tensor.addmm(bias, x, weight.t()) }
        return x.mm(weight.t())
    }

    public override var extraDescription: String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias != nil ? "True" : "False")"
    }
}
