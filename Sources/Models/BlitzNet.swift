import Autograd

/// The 60-minute blitz's CIFAR-10 classifier, layer for layer and name for name:
///
///     conv1 = Conv2d(C, 6, 5) → relu → pool → conv2 = Conv2d(6, 16, 5) → relu → pool
///     → flatten(x, 1) → fc1 = Linear(400, 120) → relu → fc2 = Linear(120, 84) → relu → fc3 = Linear(84, 10)
///
/// Registered in the tutorial's order (conv1, pool, conv2, fc1, fc2, fc3), so its state_dict
/// keys and print(net) match PyTorch's and a PyTorch checkpoint loads as is. The forward calls
/// `relu` and `flatten` as functions and reuses the one `pool` module twice, as the tutorial's
/// `F.relu` and `self.pool` do. It needs 32×32 images; C is 3 for CIFAR-10, 1 on the
/// tutorial's neural-network page. 62,006 parameters with 3 channels.
public final class BlitzNet: Module, ShapeInferring {
    public let conv1: Conv2d
    public let pool: MaxPool2d
    public let conv2: Conv2d
    public let fc1: Linear
    public let fc2: Linear
    public let fc3: Linear

    public init(inputChannels: Int = 3, classes: Int = 10, generator: inout RandomGenerator) {
        conv1 = Conv2d(inputChannels, 6, 5, generator: &generator)
        pool = MaxPool2d(2, 2)
        conv2 = Conv2d(6, 16, 5, generator: &generator)
        fc1 = Linear(16 * 5 * 5, 120, generator: &generator)
        fc2 = Linear(120, 84, generator: &generator)
        fc3 = Linear(84, classes, generator: &generator)
        super.init()
        registerModule("conv1", conv1)
        registerModule("pool", pool)
        registerModule("conv2", conv2)
        registerModule("fc1", fc1)
        registerModule("fc2", fc2)
        registerModule("fc3", fc3)
    }

    public convenience init(inputChannels: Int = 3, classes: Int = 10, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        self.init(inputChannels: inputChannels, classes: classes, generator: &generator)
    }

    /// The tutorial's class is called Net, and PyTorch's messages and print(net) say so.
    public override var typeName: String { "Net" }

    public override func forward(_ input: Tensor) -> Tensor {
        var x = pool(conv1(input).relu())
        x = pool(conv2(x).relu())
        x = x.flatten(startDim: 1)
        x = fc1(x).relu()
        x = fc2(x).relu()
        return fc3(x)
    }

    /// The same walk as `forward`, over shapes only.
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        var shape = try pool.outputShape(for: conv1.outputShape(for: inputShape))
        shape = try pool.outputShape(for: conv2.outputShape(for: shape))
        shape = try Flatten.flattened(shape, startDim: 1, endDim: -1, by: "flatten")
        return try fc3.outputShape(for: fc2.outputShape(for: fc1.outputShape(for: shape)))
    }
}
