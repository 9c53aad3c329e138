/// Matrix products. mm and bmm multiply; addmm adds a broadcast bias in the same GEMM (the
/// backend's addmm kernel), which is how Linear runs: addmm(bias, input, weight.t()).
extension Tensor {
    /// A raw product op(a)·op(b) of 2-D tensors (or batches of them, rank 3), no graph.
    static func gemm(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) -> Tensor {
        ensure(a.device == b.device, Device.mismatch([a.device, b.device])?.description ?? "")
        ensure(a.dtype == b.dtype, "expected m1 and m2 to have the same dtype, but got: \(a.dtype.cTypeName) != \(b.dtype.cTypeName)")
        a.requireFloatingPoint("mm")
        let batched = a.rank == 3
        let batch = batched ? a.shape[0] : 1
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let m = transA ? ac : ar, k = transA ? ar : ac
        let n = transB ? br : bc, kb = transB ? bc : br
        ensure(k == kb, AutogradError.shapesCannotBeMultiplied(op: batched ? "bmm" : "mm", mat1: [m, k], mat2: [kb, n]).description)
        let outShape = batched ? [batch, m, n] : [m, n]
        let out = a.backend.allocate(count: Shape.count(outShape), dtype: a.dtype)
        // A pending transpose (rank 2 only) goes in untransposed with its flag flipped.
        let (sa, ta) = a.gemmOperand(transposed: transA)
        let (sb, tb) = b.gemmOperand(transposed: transB)
        a.backend.gemm(sa, sb, into: out, m: m, n: n, k: k, transA: ta, transB: tb,
                       alpha: 1, beta: 0, batch: batch, strideA: ar * ac, strideB: br * bc, strideC: m * n)
        return Tensor(storage: out, shape: outShape)
    }

    /// The gradient of a matrix product's second operand, opᵀ(a)·g: as a pending transpose
    /// (gᵀ·a computed row-major) when that operand was one, so that it comes back in the
    /// operand's layout and TBackward0 hands the weight its gradient without a copy.
    static func productGradient(_ a: Tensor, _ g: Tensor, operandWasTransposed: Bool) -> Tensor {
        guard operandWasTransposed else { return gemm(a, g, transA: true) }
        return gemm(g, a, transA: true).transposedMatrix()
    }

    /// Matrix product of 2-D tensors (MmBackward0).
    public func mm(_ other: Tensor) -> Tensor {
        ensure(rank == 2 && other.rank == 2, "mm: expected 2-D tensors, got \(Shape.describe(shape)) and \(Shape.describe(other.shape))")
        let out = Tensor.gemm(self, other)
        let otherWasTransposed = other.isPendingTranspose
        return Tensor.record(out.storage, shape: out.shape, inputs: [self, other], name: "MmBackward0", op: "mm",
                             saving: [self, other]) { g, saved in
            [Tensor.gemm(g, saved[1], transB: true),
             Tensor.productGradient(saved[0], g, operandWasTransposed: otherWasTransposed)]
        }
    }

    /// Batched matrix product of 3-D tensors (BmmBackward0).
    public func bmm(_ other: Tensor) -> Tensor {
        ensure(rank == 3 && other.rank == 3 && shape[0] == other.shape[0],
                     "bmm: expected 3-D tensors with the same batch, got \(Shape.describe(shape)) and \(Shape.describe(other.shape))")
        let out = Tensor.gemm(self, other)
        return Tensor.record(out.storage, shape: out.shape, inputs: [self, other], name: "BmmBackward0", op: "bmm",
                             saving: [self, other]) { g, saved in
            [Tensor.gemm(g, saved[1], transB: true), Tensor.gemm(saved[0], g, transA: true)]
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
        ensure(Shape.broadcast(bias.shape, [m, n]) == [m, n], "addmm: bias of shape \(Shape.describe(bias.shape)) cannot broadcast to [\(m), \(n)]")
        // A pending transpose (Linear's weight.t()) goes in untransposed with its flag flipped.
        let (sa, ta) = input.gemmOperand(transposed: false)
        let (sb, tb) = mat2.gemmOperand(transposed: false)
        let out = input.backend.addmm(bias.storage, biasShape: bias.shape, sa, sb, m: m, n: n, k: k,
                                      transA: ta, transB: tb)
        let biasShape = bias.shape
        let mat2WasTransposed = mat2.isPendingTranspose
        return record(out, shape: [m, n], inputs: [bias, input, mat2], name: "AddmmBackward0", op: "addmm",
                      saving: [input, mat2]) { g, saved in
            [g.sumTo(biasShape), Tensor.gemm(g, saved[1], transB: true),
             Tensor.productGradient(saved[0], g, operandWasTransposed: mat2WasTransposed)]
        }
    }
}
