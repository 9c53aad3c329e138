/// add, sub, mul, div and neg, with broadcasting. Each backward sums the gradient back down to
/// its input's shape, undoing the broadcast. A Swift scalar operand is PyTorch's wrapped number:
/// the node is the same (MulBackward0 for `x * 2`), with an edge for the scalar that points nowhere.
extension Tensor {
    /// Sums a gradient over the dimensions that broadcasting added or stretched, giving `target`.
    public func sumTo(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        var dims: [Int] = []
        dims.reserveCapacity(rank)
        dims.append(contentsOf: 0..<lead)
        for i in 0..<target.count where target[i] == 1 && shape[i + lead] != 1 {
            dims.append(i + lead)
        }
        let reduced = backend.sum(storage, shape: shape, dims: dims)
        return Tensor(storage: reduced, shape: target)
    }

    static func broadcastShape(_ a: Tensor, _ b: Tensor, _ op: String) -> [Int] {
        ensure(a.device == b.device, Device.mismatch([a.device, b.device])?.description ?? "")
        ensure(a.dtype == b.dtype, "\(op): expected both operands to have the same dtype, but got \(a.dtype) and \(b.dtype)")
        a.requireFloatingPoint(op)
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            fatalError("\(op): The size of tensor a \(Shape.describe(a.shape)) must match the size of tensor b \(Shape.describe(b.shape)) at a non-singleton dimension")
        }
        return shape
    }

    /// The raw sum used by the engine to add gradients: no graph.
    func adding(_ other: Tensor) -> Tensor {
        let shape = Tensor.broadcastShape(self, other, "add")
        return Tensor(storage: backend.binary(.add, storage, self.shape, other.storage, other.shape, outShape: shape), shape: shape)
    }

    /// The raw product with a scalar, for backward functions (which never record a graph): the
    /// same kernel as `self * s`, without building a closure that only recording would need.
    func scaled(by s: Double) -> Tensor {
        Tensor(storage: backend.unary(.scale(s), storage), shape: shape)
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let shape = broadcastShape(a, b, "add")
        let out = a.backend.binary(.add, a.storage, a.shape, b.storage, b.shape, outShape: shape)
        let aShape = a.shape, bShape = b.shape
        return record(out, shape: shape, inputs: [a, b], name: "AddBackward0", op: "add") { g, _ in
            [g.sumTo(aShape), g.sumTo(bShape)]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let shape = broadcastShape(a, b, "sub")
        let out = a.backend.binary(.sub, a.storage, a.shape, b.storage, b.shape, outShape: shape)
        let aShape = a.shape, bShape = b.shape
        return record(out, shape: shape, inputs: [a, b], name: "SubBackward0", op: "sub") { g, _ in
            [g.sumTo(aShape), (-g).sumTo(bShape)]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let shape = broadcastShape(a, b, "mul")
        let out = a.backend.binary(.mul, a.storage, a.shape, b.storage, b.shape, outShape: shape)
        let aShape = a.shape, bShape = b.shape
        return record(out, shape: shape, inputs: [a, b], name: "MulBackward0", op: "mul", saving: [a, b]) { g, saved in
            [(g * saved[1]).sumTo(aShape), (g * saved[0]).sumTo(bShape)]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        // True division: integers divide as floats.
        if !a.dtype.isFloatingPoint && a.dtype == b.dtype { return a.promotedToFloat() / b.promotedToFloat() }
        let shape = broadcastShape(a, b, "div")
        let out = a.backend.binary(.div, a.storage, a.shape, b.storage, b.shape, outShape: shape)
        let aShape = a.shape, bShape = b.shape
        return record(out, shape: shape, inputs: [a, b], name: "DivBackward0", op: "div", saving: [a, b]) { g, saved in
            let (a, b) = (saved[0], saved[1])
            return [(g / b).sumTo(aShape), (-(g * a) / (b * b)).sumTo(bShape)]
        }
    }

    public static prefix func - (x: Tensor) -> Tensor {
        x.requireFloatingPoint("neg")
        let out = x.backend.unary(.neg, x.storage)
        return record(out, shape: x.shape, input: x, scalarOperand: false, name: "NegBackward0", op: "neg") { g, _ in [-g] }
    }

    // MARK: scalar operands
    // A Swift Double is PyTorch's Python float: with an int64 tensor the result is float32.
    // The backward functions build their result with `Gradients(a, b)` rather than `[a, b]`
    // (SmallList.swift says why): chains of these ops are where per-op overhead shows.

    public static func * (x: Tensor, s: Double) -> Tensor {
        if !x.dtype.isFloatingPoint { return x.promotedToFloat() * s }
        let out = x.backend.unary(.scale(s), x.storage)
        return record(out, shape: x.shape, input: x, scalarOperand: true, name: "MulBackward0", op: "mul", scalar: s) { g, saved in
            Gradients(g.scaled(by: saved.scalar), nil)
        }
    }

    public static func * (s: Double, x: Tensor) -> Tensor { x * s }

    public static func + (x: Tensor, s: Double) -> Tensor {
        if !x.dtype.isFloatingPoint { return x.promotedToFloat() + s }
        let out = x.backend.unary(.addScalar(s), x.storage)
        return record(out, shape: x.shape, input: x, scalarOperand: true, name: "AddBackward0", op: "add") { g, _ in Gradients(g, nil) }
    }

    public static func + (s: Double, x: Tensor) -> Tensor { x + s }

    public static func - (x: Tensor, s: Double) -> Tensor {
        if !x.dtype.isFloatingPoint { return x.promotedToFloat() - s }
        let out = x.backend.unary(.addScalar(-s), x.storage)
        return record(out, shape: x.shape, input: x, scalarOperand: true, name: "SubBackward0", op: "sub") { g, _ in Gradients(g, nil) }
    }

    /// `s - x`: PyTorch records RsubBackward1 for a scalar on the left.
    public static func - (s: Double, x: Tensor) -> Tensor {
        if !x.dtype.isFloatingPoint { return s - x.promotedToFloat() }
        let negated = x.backend.unary(.neg, x.storage)
        let out = x.backend.unary(.addScalar(s), negated)
        return record(out, shape: x.shape, input: x, scalarOperand: false, name: "RsubBackward1", op: "rsub") { g, _ in [-g] }
    }

    public static func / (x: Tensor, s: Double) -> Tensor {
        if !x.dtype.isFloatingPoint { return x.promotedToFloat() / s }
        let out = x.backend.unary(.scale(1 / s), x.storage)
        return record(out, shape: x.shape, input: x, scalarOperand: true, name: "DivBackward0", op: "div", scalar: s) { g, saved in
            Gradients(g.scaled(by: 1 / saved.scalar), nil)
        }
    }
}
