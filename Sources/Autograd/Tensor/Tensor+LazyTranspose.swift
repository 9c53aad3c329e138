/// Transposed matrices that are never copied unless something other than a matrix product
/// reads them.
///
/// Linear runs `addmm(bias, input, weight.t())`, as PyTorch does. PyTorch's `t()` is a view with
/// swapped strides and its GEMM reads it in place; here storages are row-major, and `t()` used
/// to copy the weight in every forward and TBackward0 to copy its gradient back in every
/// backward (5% of the MLP step). Now `t()` of a matrix returns a tensor that remembers the
/// untransposed storage (`isPendingTranspose`, `transposeSource`); `Tensor.gemm` and `addmm`
/// pass that storage to the backend with the transpose flag flipped, and a product whose operand was such a transpose
/// returns that operand's gradient the same way (as PyTorch's `mm_mat2_backward` gives the
/// gradient the operand's strides), so TBackward0 turns it back into a plain row-major matrix
/// for free. The node names, edges and order are unchanged; only where the copy happens moved.
///
/// Tensors stay on one thread (the trainer's queue, or one replica's), so the one-time copy in
/// the `storage` getter needs no lock.
extension Tensor {
    /// A [shape[0], shape[1]] matrix whose elements are the transpose of `source`, a row-major
    /// [shape[1], shape[0]] storage, left uncopied.
    convenience init(transposing source: Storage, shape: [Int], requiresGrad: Bool = false, gradFn: Node? = nil,
                     isContiguous: Bool = true) {
        ensure(shape.count == 2 && source.count == shape[0] * shape[1], "a lazy transpose must be a matrix")
        self.init(storage: source, shape: shape, requiresGrad: requiresGrad, gradFn: gradFn, isContiguous: isContiguous)
        markPendingTranspose()
    }

    /// This matrix transposed, without a copy: a pending transpose's own source, or a pending
    /// transpose of this storage.
    func transposedMatrix() -> Tensor {
        // What a product reading this matrix transposed would be given: the storage, and whether
        // it holds the transpose pending (a pending transpose's own source is already row-major).
        let (source, pending) = gemmOperand(transposed: true)
        let flipped = [shape[1], shape[0]]
        return pending ? Tensor(transposing: source, shape: flipped) : Tensor(storage: source, shape: flipped)
    }

    /// The storage and transpose flag a matrix product passes to the backend for this operand:
    /// a pending transpose goes in as its source with the flag flipped.
    func gemmOperand(transposed: Bool) -> (storage: Storage, transposed: Bool) {
        if let transposeSource { return (transposeSource, !transposed) }
        return (storage, transposed)
    }
}
