/// Matrix products. mm and bmm multiply; addmm adds a broadcast bias in the same GEMM (the
/// backend's addmm kernel), which is how Linear runs: addmm(bias, input, weight.t()).
extension Tensor {
    /// A raw product op(a)·op(b) of 2-D tensors (or batches of them, rank 3), no graph.
    static func gemm(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) -> Tensor {
        let (out, shape) = gemmStorage(a, b, transA: transA, transB: transB)
        return Tensor(storage: out, shape: shape)
    }

    /// The storage and shape of op(a)·op(b). Each operand's storage is read once: a backward
    /// runs a few of these per layer, and every read of a tensor's storage or backend is a
    /// reference count.
    private static func gemmStorage(_ a: Tensor, _ b: Tensor, transA: Bool, transB: Bool) -> (Storage, [Int]) {
        // A pending transpose (rank 2 only) goes in untransposed with its flag flipped.
        let (sa, ta) = a.gemmOperand(transposed: transA)
        let (sb, tb) = b.gemmOperand(transposed: transB)
        ensure(sa.device == sb.device, Device.mismatch([sa.device, sb.device])?.description ?? "")
        ensure(a.dtype == b.dtype, "expected m1 and m2 to have the same dtype, but got: \(a.dtype.cTypeName) != \(b.dtype.cTypeName)")
        a.requireFloatingPoint("mm")
        let batched = a.rank == 3
        let batch = batched ? a.shape[0] : 1
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let m = transA ? ac : ar, k = transA ? ar : ac
        let n = transB ? br : bc, kb = transB ? bc : br
        ensure(k == kb, AutogradError.shapesCannotBeMultiplied(op: batched ? "bmm" : "mm", mat1: [m, k], mat2: [kb, n]).description)
        let backend = sa.backend
        let out = backend.allocate(count: batch * m * n, dtype: a.dtype)
        backend.gemm(sa, sb, into: out, m: m, n: n, k: k, transA: ta, transB: tb,
                     alpha: 1, beta: 0, batch: batch, strideA: ar * ac, strideB: br * bc, strideC: m * n)
        return (out, batched ? [batch, m, n] : [m, n])
    }

    /// The gradient of a matrix product's second operand, opᵀ(a)·g: as a pending transpose
    /// (gᵀ·a computed row-major) when that operand was one, so that it comes back in the
    /// operand's layout and TBackward0 hands the weight its gradient without a copy.
    static func productGradient(_ a: Tensor, _ g: Tensor, operandWasTransposed: Bool) -> Tensor {
        guard operandWasTransposed else { return gemm(a, g, transA: true) }
        let (out, shape) = gemmStorage(g, a, transA: true, transB: false)
        return Tensor(transposing: out, shape: [shape[1], shape[0]])
    }

    /// Matrix product of 2-D tensors (MmBackward0).
    public func mm(_ other: Tensor) -> Tensor {
        ensure(rank == 2 && other.rank == 2, "mm: expected 2-D tensors, got \(Shape.describe(shape)) and \(Shape.describe(other.shape))")
        let out = Tensor.gemm(self, other)
        let otherWasTransposed = other.isPendingTranspose
        let needs = (input: requiresGrad, other: other.requiresGrad)
        return Tensor.record(out.storage, shape: out.shape, inputs: [self, other], name: "MmBackward0", op: "mm",
                             saving: [self, other]) { g, saved in
            [needs.input ? Tensor.gemm(g, saved[1], transB: true) : nil,
             needs.other ? Tensor.productGradient(saved[0], g, operandWasTransposed: otherWasTransposed) : nil]
        }
    }

    /// Batched matrix product of 3-D tensors (BmmBackward0).
    public func bmm(_ other: Tensor) -> Tensor {
        ensure(rank == 3 && other.rank == 3 && shape[0] == other.shape[0],
                     "bmm: expected 3-D tensors with the same batch, got \(Shape.describe(shape)) and \(Shape.describe(other.shape))")
        let out = Tensor.gemm(self, other)
        let needs = (input: requiresGrad, other: other.requiresGrad)
        return Tensor.record(out.storage, shape: out.shape, inputs: [self, other], name: "BmmBackward0", op: "bmm",
                             saving: [self, other]) { g, saved in
            [needs.input ? Tensor.gemm(g, saved[1], transB: true) : nil,
             needs.other ? Tensor.gemm(saved[0], g, transA: true) : nil]
        }
    }

    /// `a @ b` for 2-D (mm) and 3-D (bmm) tensors.
    public func matmul(_ other: Tensor) -> Tensor {
        switch (rank, other.rank) {
        case (2, 2): return mm(other)
        case (3, 3): return bmm(other)
        default: fatalError("matmul: supported for 2-D and batched 3-D tensors, got \(Shape.describe(shape)) and \(Shape.describe(other.shape))")
        }
    }

    /// `bias + input @ mat2` in one GEMM (AddmmBackward0; edges: bias, input, mat2).
    public static func addmm(_ bias: Tensor, _ input: Tensor, _ mat2: Tensor) -> Tensor {
        ensure(input.rank == 2 && mat2.rank == 2, "addmm: expected 2-D matrices, got \(Shape.describe(input.shape)) and \(Shape.describe(mat2.shape))")
        ensure(input.dtype == mat2.dtype && bias.dtype == input.dtype,
               "self and mat2 must have the same dtype, but got \(input.dtype.scalarTypeName) and \(mat2.dtype.scalarTypeName)")
        input.requireFloatingPoint("addmm")
        let (m, k, n) = (input.shape[0], input.shape[1], mat2.shape[1])
        ensure(mat2.shape[0] == k, AutogradError.shapesCannotBeMultiplied(op: "addmm", mat1: [m, k], mat2: mat2.shape).description)
        let biasShape = bias.shape
        ensure(biasBroadcasts(biasShape, m, n), "addmm: bias of shape \(Shape.describe(biasShape)) cannot broadcast to [\(m), \(n)]")
        // A pending transpose (Linear's weight.t()) goes in untransposed with its flag flipped.
        let (sa, ta) = input.gemmOperand(transposed: false)
        let (sb, tb) = mat2.gemmOperand(transposed: false)
        let out = sa.backend.addmm(bias.storage, biasShape: biasShape, sa, sb, m: m, n: n, k: k,
                                   transA: ta, transB: tb)
        let mat2WasTransposed = mat2.isPendingTranspose
        // Only the gradients an edge will take are computed, as PyTorch's should_compute_output
        // does: a first layer's input (the data) needs none, which spares a product as large as
        // the layer's forward one.
        let needs = (bias: bias.requiresGrad, input: input.requiresGrad, mat2: mat2.requiresGrad)
        return record(out, shape: [m, n], inputs: [bias, input, mat2], name: "AddmmBackward0", op: "addmm",
                      saving: [input, mat2]) { g, saved in
            [needs.bias ? g.sumTo(biasShape) : nil,
             needs.input ? Tensor.gemm(g, saved[1], transB: true) : nil,
             needs.mat2 ? Tensor.productGradient(saved[0], g, operandWasTransposed: mat2WasTransposed) : nil]
        }
    }

    /// Whether a bias of `shape` broadcasts to [m, n] (without building the shapes as arrays).
    private static func biasBroadcasts(_ shape: [Int], _ m: Int, _ n: Int) -> Bool {
        switch shape.count {
        case 0: return true
        case 1: return shape[0] == n || shape[0] == 1
        case 2: return (shape[0] == m || shape[0] == 1) && (shape[1] == n || shape[1] == 1)
        default: return false
        }
    }
}
