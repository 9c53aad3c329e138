import Autograd

/// A multi-layer perceptron as one would write it by hand in PyTorch: the input is flattened
/// (all but the batch dimension), then Linear layers named fc1, fc2, ... with a ReLU between
/// each pair and none after the last, which gives the class scores.
public final class MLP: Module, ShapeInferring {
    public let inFeatures: Int
    public let hiddenSizes: [Int]
    public let layers: [Linear]

    public init(inFeatures: Int, hiddenSizes: [Int], classes: Int, generator: inout RandomGenerator) {
        precondition(inFeatures > 0 && classes > 0 && hiddenSizes.allSatisfy { $0 > 0 },
                     "MLP: sizes must be positive (in \(inFeatures), hidden \(hiddenSizes), classes \(classes))")
        self.inFeatures = inFeatures
        self.hiddenSizes = hiddenSizes
        let widths = [inFeatures] + hiddenSizes + [classes]
        var layers: [Linear] = []
        for i in 0..<(widths.count - 1) {
            layers.append(Linear(widths[i], widths[i + 1], generator: &generator))
        }
        self.layers = layers
        super.init()
        for (i, layer) in layers.enumerated() { registerModule("fc\(i + 1)", layer) }
    }

    public convenience init(inFeatures: Int, hiddenSizes: [Int], classes: Int, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        self.init(inFeatures: inFeatures, hiddenSizes: hiddenSizes, classes: classes, generator: &generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        var x = input.flatten(startDim: 1)
        for (i, layer) in layers.enumerated() {
            x = layer(x)
            if i < layers.count - 1 { x = x.relu() }
        }
        return x
    }

    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        var shape = try Flatten.flattened(inputShape, startDim: 1, endDim: -1, by: "flatten")
        for layer in layers { shape = try layer.outputShape(for: shape) }
        return shape
    }
}
