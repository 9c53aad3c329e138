import Autograd

/// The 60-minute blitz's Net written out with the primitive ops, the way Linear and Conv2d run
/// them: conv2d(3→6, 5) → relu → max_pool2d(2, 2) → conv2d(6→16, 5) → relu → max_pool2d(2, 2) →
/// flatten(startDim: 1) → addmm(b, x, w.t()) ×3 with relu between → cross_entropy.
/// Parameters are leaves named as PyTorch's state_dict names them, initialised as PyTorch does
/// (uniform in ±1/√fan_in) from a seed, so two instances with one seed are identical.
struct BlitzNetByHand {
    static let parameterShapes: [(name: String, shape: [Int])] = [
        ("conv1.weight", [6, 3, 5, 5]), ("conv1.bias", [6]),
        ("conv2.weight", [16, 6, 5, 5]), ("conv2.bias", [16]),
        ("fc1.weight", [120, 400]), ("fc1.bias", [120]),
        ("fc2.weight", [84, 120]), ("fc2.bias", [84]),
        ("fc3.weight", [10, 84]), ("fc3.bias", [10]),
    ]

    let parameters: [Tensor]

    init(seed: UInt64, dtype: DType = .float32) {
        var generator = RandomGenerator(seed: seed)
        parameters = BlitzNetByHand.parameterShapes.map { name, shape in
            // fan_in of a weight and of the bias beside it: in_features, or in_channels·kH·kW.
            let weightShape = BlitzNetByHand.parameterShapes.first { $0.name == name.replacingBias() }!.shape
            let bound = 1 / Double(weightShape.dropFirst().reduce(1, *)).squareRoot()
            let t = Tensor.uniform(shape, low: -bound, high: bound, dtype: dtype, generator: &generator)
            try! t.requireGrad()
            t.name = name
            return t
        }
    }

    subscript(name: String) -> Tensor { parameters.first { $0.name == name }! }

    /// A batch of `n` images [n, 3, 32, 32] and int64 labels [n].
    static func batch(_ n: Int = 4, seed: UInt64 = 99, dtype: DType = .float32) -> (images: Tensor, labels: Tensor) {
        var generator = RandomGenerator(seed: seed)
        let images = Tensor.randn([n, 3, 32, 32], dtype: dtype, generator: &generator)
        let labels = Tensor.randint(0, 10, [n], generator: &generator)
        return (images, labels)
    }

    func logits(_ images: Tensor) -> Tensor {
        var h = Tensor.conv2d(images, weight: self["conv1.weight"], bias: self["conv1.bias"]).relu()
        h = Tensor.maxPool2d(h, kernelSize: (2, 2), stride: (2, 2))
        h = Tensor.conv2d(h, weight: self["conv2.weight"], bias: self["conv2.bias"]).relu()
        h = Tensor.maxPool2d(h, kernelSize: (2, 2), stride: (2, 2))
        h = h.flatten(startDim: 1)
        h = Tensor.addmm(self["fc1.bias"], h, self["fc1.weight"].t()).relu()
        h = Tensor.addmm(self["fc2.bias"], h, self["fc2.weight"].t()).relu()
        return Tensor.addmm(self["fc3.bias"], h, self["fc3.weight"].t())
    }

    func loss(_ images: Tensor, _ labels: Tensor) -> Tensor {
        Tensor.crossEntropy(logits(images), labels)
    }
}

private extension String {
    func replacingBias() -> String {
        hasSuffix(".bias") ? String(dropLast(4)) + "weight" : self
    }
}
