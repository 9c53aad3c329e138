/// Pointwise functions. Those whose derivative is cheapest from their output (exp, sigmoid,
/// tanh, relu, sqrt) save the output; the others save the input.
extension Tensor {
    /// `x ** p` for a scalar exponent.
    public func pow(_ p: Double) -> Tensor {
        if !dtype.isFloatingPoint { return promotedToFloat().pow(p) }
        let out = backend.unary(.pow(p), storage)
        return Tensor.record(out, shape: shape, inputs: [self], name: "PowBackward0", op: "pow", saving: [self]) { g, saved in
            // d/dx x^p = p·x^(p−1); p == 0 gives zeros without evaluating 0^−1.
            if p == 0 { return [g * 0.0] }
            let x = saved[0]
            let derivative = Tensor(storage: x.backend.unary(.pow(p - 1), x.storage), shape: x.shape) * p
            return [g * derivative]
        }
    }

    public func exp() -> Tensor {
        if !dtype.isFloatingPoint { return promotedToFloat().exp() }
        let out = backend.unary(.exp, storage)
        return Tensor.record(out, shape: shape, inputs: [self], name: "ExpBackward0", op: "exp", savingOutput: true) { g, saved in
            [g * saved[0]]
        }
    }

    public func log() -> Tensor {
        if !dtype.isFloatingPoint { return promotedToFloat().log() }
        let out = backend.unary(.log, storage)
        return Tensor.record(out, shape: shape, inputs: [self], name: "LogBackward0", op: "log", saving: [self]) { g, saved in
            [g / saved[0]]
        }
    }

    public func sqrt() -> Tensor {
        if !dtype.isFloatingPoint { return promotedToFloat().sqrt() }
        let out = backend.unary(.sqrt, storage)
        return Tensor.record(out, shape: shape, inputs: [self], name: "SqrtBackward0", op: "sqrt", savingOutput: true) { g, saved in
            [g / (saved[0] * 2.0)]
        }
    }

    public func relu() -> Tensor {
        requireFloatingPoint("relu")
        let out = backend.unary(.relu, storage)
        return Tensor.record(out, shape: shape, inputs: [self], name: "ReluBackward0", op: "relu", savingOutput: true) { g, saved in
            [g.fused(.reluBackward, saved[0])]
        }
    }

    public func sigmoid() -> Tensor {
        if !dtype.isFloatingPoint { return promotedToFloat().sigmoid() }
        let out = backend.unary(.sigmoid, storage)
        return Tensor.record(out, shape: shape, inputs: [self], name: "SigmoidBackward0", op: "sigmoid", savingOutput: true) { g, saved in
            [g.fused(.sigmoidBackward, saved[0])]
        }
    }

    public func tanh() -> Tensor {
        if !dtype.isFloatingPoint { return promotedToFloat().tanh() }
        let out = backend.unary(.tanh, storage)
        return Tensor.record(out, shape: shape, inputs: [self], name: "TanhBackward0", op: "tanh", savingOutput: true) { g, saved in
            [g.fused(.tanhBackward, saved[0])]
        }
    }

    /// One of the backend's fused backward kernels (grad, saved output); records nothing.
    func fused(_ op: BinaryOp, _ other: Tensor) -> Tensor {
        Tensor(storage: backend.binary(op, storage, shape, other.storage, other.shape, outShape: shape), shape: shape)
    }
}
