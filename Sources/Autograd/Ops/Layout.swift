/// Shape and layout ops. view, reshape (of a contiguous tensor), flatten, unsqueeze and squeeze
/// share storage, as PyTorch's views do. t, transpose and permute copy here (t of a matrix only
/// when something other than a matrix product reads it) but produce what PyTorch calls a
/// non-contiguous tensor: `view` refuses one, `contiguous()` records a CloneBackward0.
extension Tensor {
    /// Resolves one -1 in a requested shape.
    func inferShape(_ requested: [Int], op: String) -> [Int] {
        var shape = requested
        let unknown = requested.indices.filter { requested[$0] == -1 }
        ensure(unknown.count <= 1, "\(op): only one dimension can be inferred")
        if let u = unknown.first {
            let known = requested.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
            ensure(known > 0 && count % known == 0, "\(op): shape '\(Shape.describe(requested))' is invalid for input of size \(count)")
            shape[u] = count / known
        }
        ensure(Shape.count(shape) == count, "\(op): shape '\(Shape.describe(requested))' is invalid for input of size \(count)")
        return shape
    }

    /// A tensor sharing storage with a new shape (ViewBackward0, or `name` for unsqueeze/squeeze).
    private func alias(_ newShape: [Int], name: String, op: String) -> Tensor {
        let inputShape = shape
        return Tensor.record(storage, shape: newShape, isContiguous: isContiguous, inputs: [self], name: name, op: op) { g, _ in
            [g.reshape(inputShape)]
        }
    }

    /// PyTorch's `view`: the same storage seen with another shape; the tensor must be contiguous.
    public func view(_ shape: [Int]) -> Tensor {
        ensure(isContiguous, "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
        return alias(inferShape(shape, op: "view"), name: "ViewBackward0", op: "view")
    }

    public func view(_ shape: Int...) -> Tensor { view(shape) }

    /// `reshape`: a view when contiguous, else a copy (CloneBackward0 then UnsafeViewBackward0, as PyTorch).
    public func reshape(_ shape: [Int]) -> Tensor {
        let target = inferShape(shape, op: "reshape")
        if isContiguous { return alias(target, name: "ViewBackward0", op: "reshape") }
        return contiguous().alias(target, name: "UnsafeViewBackward0", op: "reshape")
    }

    public func reshape(_ shape: Int...) -> Tensor { reshape(shape) }

    /// Flattens dimensions `startDim...endDim` into one, like `torch.flatten(x, 1)`.
    public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        if rank == 0 { return reshape([1]) }
        let s = Shape.normalize(startDim, rank: rank, op: "flatten")
        let e = Shape.normalize(endDim, rank: rank, op: "flatten")
        ensure(s <= e, "flatten() has invalid args: start_dim cannot come after end_dim")
        if s == e { return self }
        let merged = shape[s...e].reduce(1, *)
        return reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    public func unsqueeze(_ dim: Int) -> Tensor {
        let d = Shape.normalize(dim, rank: rank + 1, op: "unsqueeze")
        var newShape = shape
        newShape.insert(1, at: d)
        return alias(newShape, name: "UnsqueezeBackward0", op: "unsqueeze")
    }

    /// Removes every dimension of size 1 (SqueezeBackward0).
    public func squeeze() -> Tensor {
        alias(shape.filter { $0 != 1 }, name: "SqueezeBackward0", op: "squeeze")
    }

    /// Removes `dim` if it has size 1 (SqueezeBackward1).
    public func squeeze(_ dim: Int) -> Tensor {
        let d = Shape.normalize(dim, rank: rank, op: "squeeze")
        var newShape = shape
        if rank > 0 && shape[d] == 1 { newShape.remove(at: d) }
        return alias(newShape, name: "SqueezeBackward1", op: "squeeze")
    }

    /// A contiguous copy when PyTorch would call this tensor non-contiguous (CloneBackward0); else itself.
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        return Tensor.record(backend.copy(storage), shape: shape, inputs: [self], name: "CloneBackward0", op: "contiguous") { g, _ in [g] }
    }

    /// Would PyTorch still call the result contiguous? Only if the dimensions of size > 1 keep their order.
    /// (A loop rather than filtering and sorting `order`: Linear's `t()` asks in every forward.)
    private func staysContiguous(_ order: [Int]) -> Bool {
        guard isContiguous else { return false }
        var last = -1
        for d in order where shape[d] != 1 {
            if d < last { return false }
            last = d
        }
        return true
    }

    private func permuted(_ order: [Int], name: String, op: String, inverse: [Int]) -> Tensor {
        let out = backend.permute(storage, shape: shape, order: order)
        let outShape = order.map { shape[$0] }
        return Tensor.record(out, shape: outShape, isContiguous: staysContiguous(order), inputs: [self], name: name, op: op) { g, _ in
            [Tensor(storage: g.backend.permute(g.storage, shape: g.shape, order: inverse), shape: inverse.map { g.shape[$0] })]
        }
    }

    /// Reorders dimensions (PermuteBackward0).
    public func permute(_ order: [Int]) -> Tensor {
        let order = order.map { Shape.normalize($0, rank: rank, op: "permute") }
        ensure(order.sorted() == Array(0..<rank), "permute(): dims \(order) are not a permutation of \(rank) dimensions")
        var inverse = [Int](repeating: 0, count: rank)
        for (i, d) in order.enumerated() { inverse[d] = i }
        return permuted(order, name: "PermuteBackward0", op: "permute", inverse: inverse)
    }

    public func permute(_ order: Int...) -> Tensor { permute(order) }

    /// Swaps two dimensions (TransposeBackward0).
    public func transpose(_ dim0: Int, _ dim1: Int) -> Tensor {
        let a = Shape.normalize(dim0, rank: rank, op: "transpose")
        let b = Shape.normalize(dim1, rank: rank, op: "transpose")
        var order = Array(0..<rank)
        order.swapAt(a, b)
        return permuted(order, name: "TransposeBackward0", op: "transpose", inverse: order)
    }

    /// Transpose of a tensor of at most 2 dimensions (TBackward0): Linear's `weight.t()`.
    /// A matrix's transpose is left uncopied until something other than a matrix product reads it
    /// (Tensor+LazyTranspose.swift); so is the gradient TBackward0 passes back.
    public func t() -> Tensor {
        ensure(rank <= 2, "t() expects a tensor with <= 2 dimensions, but self is \(rank)D")
        guard rank == 2 else { return permuted(Array(0..<rank), name: "TBackward0", op: "t", inverse: Array(0..<rank)) }
        let (source, pending) = gemmOperand(transposed: true)
        return Tensor.record(source, shape: [shape[1], shape[0]], isContiguous: staysContiguous([1, 0]), inputs: [self],
                             name: "TBackward0", op: "t", pendingTranspose: pending) { g, _ in
            [g.transposedMatrix()]
        }
    }

    /// Broadcasts to a larger shape (ExpandBackward0); `-1` keeps a dimension.
    public func expand(_ target: [Int]) -> Tensor {
        let lead = target.count - rank
        ensure(lead >= 0, "expand: the number of sizes provided (\(target.count)) must be greater or equal to the number of dimensions in the tensor (\(rank))")
        var resolved = target
        for i in 0..<rank where target[i + lead] == -1 { resolved[i + lead] = shape[i] }
        let inputShape = shape
        if resolved == shape {
            // Nothing to broadcast: PyTorch still returns a new view with its own node.
            return Tensor.record(storage, shape: shape, isContiguous: isContiguous, inputs: [self],
                                 name: "ExpandBackward0", op: "expand") { g, _ in [g] }
        }
        ensure(Shape.broadcast(shape, resolved) == resolved, "The expanded size of the tensor \(Shape.describe(target)) must match the existing size \(Shape.describe(shape)) at non-singleton dimensions")
        let out = backend.expand(storage, shape: shape, to: resolved)
        return Tensor.record(out, shape: resolved, isContiguous: false, inputs: [self], name: "ExpandBackward0", op: "expand") { g, _ in
            [g.sumTo(inputShape)]
        }
    }
}
