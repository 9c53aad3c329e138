/// Gathering by index along a dimension, what the losses use to pick each sample's label.
extension Tensor {
    /// out[..., j, ...] = self[..., index[..., j, ...], ...] along `dim` (GatherBackward0).
    /// `index` is int64 with this tensor's shape except along `dim`.
    public func gather(dim: Int, index: Tensor) -> Tensor {
        let d = Shape.normalize(dim, rank: rank, op: "gather")
        ensure(index.dtype == .int64, "gather(): Expected dtype int64 for index")
        ensure(index.rank == rank, "Index tensor must have the same number of dimensions as input tensor")
        for i in 0..<rank where i != d {
            ensure(index.shape[i] == shape[i], "gather(): index \(Shape.describe(index.shape)) must match input \(Shape.describe(shape)) except at dimension \(d)")
        }
        let (outer, size, inner) = Shape.split(shape, at: d)
        let indexSize = index.shape[d]
        let out = backend.gather(storage, outer: outer, size: size, inner: inner, index: index.storage, indexSize: indexSize)
        let inputShape = shape
        return Tensor.record(out, shape: index.shape, inputs: [self], name: "GatherBackward0", op: "gather", saving: [index]) { g, saved in
            [Tensor(storage: g.backend.scatterAdd(g.storage, outer: outer, size: size, inner: inner, index: saved[0].storage, indexSize: indexSize),
                    shape: inputShape)]
        }
    }
}
