/// sum, mean and max, over everything or over dimensions with keepdim.
extension Tensor {
    /// Sum of every element: a 0-d tensor (SumBackward0).
    public func sum() -> Tensor {
        let out = backend.sum(storage, shape: shape, dims: Array(0..<rank))
        let inputShape = shape
        return Tensor.record(out, shape: [], inputs: [self], name: "SumBackward0", op: "sum") { g, _ in
            [g.expand(inputShape)]
        }
    }

    /// Sum over `dims` (SumBackward1).
    public func sum(dims: [Int], keepdim: Bool = false) -> Tensor {
        let normalized = dims.map { Shape.normalize($0, rank: rank, op: "sum") }
        let out = backend.sum(storage, shape: shape, dims: normalized)
        var kept = shape
        for d in normalized { kept[d] = 1 }
        let outShape = keepdim ? kept : shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element)
        let inputShape = shape
        return Tensor.record(out, shape: outShape, inputs: [self], name: "SumBackward1", op: "sum") { g, _ in
            [g.reshape(kept).expand(inputShape)]
        }
    }

    public func sum(dim: Int, keepdim: Bool = false) -> Tensor { sum(dims: [dim], keepdim: keepdim) }

    /// Mean of every element (MeanBackward0).
    public func mean() -> Tensor {
        ensure(dtype.isFloatingPoint, "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.scalarTypeName)")
        let n = Double(Swift.max(count, 1))
        let out = backend.unary(.scale(1 / n), backend.sum(storage, shape: shape, dims: Array(0..<rank)))
        let inputShape = shape
        return Tensor.record(out, shape: [], inputs: [self], name: "MeanBackward0", op: "mean") { g, _ in
            [(g * (1 / n)).expand(inputShape)]
        }
    }

    /// Mean over `dims` (MeanBackward1).
    public func mean(dims: [Int], keepdim: Bool = false) -> Tensor {
        ensure(dtype.isFloatingPoint, "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.scalarTypeName)")
        let normalized = dims.map { Shape.normalize($0, rank: rank, op: "mean") }
        let n = Double(normalized.reduce(1) { $0 * shape[$1] })
        let out = backend.unary(.scale(1 / n), backend.sum(storage, shape: shape, dims: normalized))
        var kept = shape
        for d in normalized { kept[d] = 1 }
        let outShape = keepdim ? kept : shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element)
        let inputShape = shape
        return Tensor.record(out, shape: outShape, inputs: [self], name: "MeanBackward1", op: "mean") { g, _ in
            [(g * (1 / n)).reshape(kept).expand(inputShape)]
        }
    }

    public func mean(dim: Int, keepdim: Bool = false) -> Tensor { mean(dims: [dim], keepdim: keepdim) }

    /// Largest value and its index along `dim` (MaxBackward0); the first maximum wins.
    public func max(dim: Int, keepdim: Bool = false) -> (values: Tensor, indices: Tensor) {
        requireFloatingPoint("max")
        let d = Shape.normalize(dim, rank: rank, op: "max")
        let (outer, size, inner) = Shape.split(shape, at: d)
        ensure(size > 0, "max(): Expected reduction dim \(dim) to have non-zero size.")
        let (values, indices) = backend.max(storage, outer: outer, size: size, inner: inner)
        var kept = shape
        if rank > 0 { kept[d] = 1 }
        let outShape = keepdim || rank == 0 ? kept : shape.enumerated().filter { $0.offset != d }.map(\.element)
        let indexTensor = Tensor(storage: indices, shape: outShape)
        let inputShape = shape
        let valueTensor = Tensor.record(values, shape: outShape, inputs: [self], name: "MaxBackward0", op: "max",
                                        saving: [indexTensor]) { g, saved in
            let idx = saved[0]
            let scattered = g.backend.scatterAdd(g.storage, outer: outer, size: size, inner: inner, index: idx.storage, indexSize: 1)
            return [Tensor(storage: scattered, shape: inputShape)]
        }
        return (valueTensor, indexTensor)
    }

    /// The largest element (MaxBackward1); the gradient is shared evenly among ties, as in PyTorch.
    public func max() -> Tensor {
        ensure(count > 0, "max(): Expected reduction dim to be specified for input.numel() == 0.")
        let values = doubles
        var best = values[0]
        for v in values where v > best || v.isNaN { best = v; if v.isNaN { break } }
        let out = Tensor([best], shape: []).to(dtype)
        let storage = try! out.to(device).storage
        let inputShape = shape
        let mask = values.map { $0 == best || ($0.isNaN && best.isNaN) ? 1.0 : 0.0 }
        let ties = Double(mask.reduce(0, +))
        return Tensor.record(storage, shape: [], inputs: [self], name: "MaxBackward1", op: "max", saving: [self]) { g, saved in
            let m = try! Tensor(mask.map { $0 / ties }, shape: inputShape).to(saved[0].dtype).to(saved[0].device)
            return [g * m]
        }
    }
}
