/// A dry run over shapes: what a module would output for an input of a given shape, or why that
/// input cannot go through it. Used to reject a model that does not fit the data (blitz-net on
/// 28×28 images, say) up front with a clear message, instead of failing a precondition mid-forward.
/// Shapes include the batch dimension.
public protocol ShapeInferring {
    func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int]
}

/// An input shape a module cannot take, with the module's dotted name and what does not fit.
public struct ShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Module {
    /// How messages name a module: its dotted path, or its type for a root.
    var displayName: String { path.isEmpty ? typeName : "\(path) (\(typeName))" }
}

extension Linear: ShapeInferring {
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        guard let last = inputShape.last, last == inFeatures else {
            throw ShapeError("\(displayName) expects \(inFeatures) input features, got an input of shape \(Shape.describe(inputShape))")
        }
        return inputShape.dropLast() + [outFeatures]
    }
}

extension Conv2d: ShapeInferring {
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        guard inputShape.count == 4 else {
            throw ShapeError("\(displayName) expects images [batch, channels, height, width], got an input of shape \(Shape.describe(inputShape))")
        }
        guard inputShape[1] == inChannels else {
            throw ShapeError("\(displayName) expects \(inChannels) input channel(s), got \(inputShape[1]) (input shape \(Shape.describe(inputShape)))")
        }
        let h = inputShape[2] + 2 * padding.0, w = inputShape[3] + 2 * padding.1
        guard h >= kernelSize.0 && w >= kernelSize.1 else {
            throw ShapeError("\(displayName): a \(inputShape[2])×\(inputShape[3]) input is smaller than its \(kernelSize.0)×\(kernelSize.1) kernel")
        }
        return [inputShape[0], outChannels, (h - kernelSize.0) / stride.0 + 1, (w - kernelSize.1) / stride.1 + 1]
    }
}

extension MaxPool2d: ShapeInferring {
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        guard inputShape.count == 4 else {
            throw ShapeError("\(displayName) expects images [batch, channels, height, width], got an input of shape \(Shape.describe(inputShape))")
        }
        let h = inputShape[2] + 2 * padding.0, w = inputShape[3] + 2 * padding.1
        guard h >= kernelSize.0 && w >= kernelSize.1 else {
            throw ShapeError("\(displayName): a \(inputShape[2])×\(inputShape[3]) input is smaller than its \(kernelSize.0)×\(kernelSize.1) window")
        }
        return [inputShape[0], inputShape[1], (h - kernelSize.0) / stride.0 + 1, (w - kernelSize.1) / stride.1 + 1]
    }
}

extension ReLU: ShapeInferring {
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] { inputShape }
}

extension Dropout: ShapeInferring {
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] { inputShape }
}

extension Flatten: ShapeInferring {
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        try Flatten.flattened(inputShape, startDim: startDim, endDim: endDim, by: displayName)
    }

    /// The shape `flatten(startDim:endDim:)` gives, or why the dimensions are out of range.
    public static func flattened(_ shape: [Int], startDim: Int, endDim: Int, by name: String) throws(ShapeError) -> [Int] {
        if shape.isEmpty { return [1] }
        let rank = shape.count
        let s = startDim < 0 ? startDim + rank : startDim
        let e = endDim < 0 ? endDim + rank : endDim
        guard s >= 0 && s < rank && e >= 0 && e < rank && s <= e else {
            throw ShapeError("\(name): cannot flatten dimensions \(startDim)...\(endDim) of an input of shape \(Shape.describe(shape))")
        }
        return Array(shape[..<s]) + [shape[s...e].reduce(1, *)] + Array(shape[(e + 1)...])
    }
}

extension Sequential: ShapeInferring {
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        var shape = inputShape
        for (_, module) in namedChildren {
            guard let inferring = module as? ShapeInferring else {
                throw ShapeError("\(module.displayName) cannot predict its output shape")
            }
            shape = try inferring.outputShape(for: shape)
        }
        return shape
    }
}
