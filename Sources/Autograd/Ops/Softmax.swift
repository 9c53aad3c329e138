/// log_softmax along one dimension, computed stably (x − max − log Σ exp(x − max)).
/// Backward: grad − softmax · Σ grad, from the saved output (LogSoftmaxBackward0).
extension Tensor {
    public func logSoftmax(dim: Int) -> Tensor {
        let d = Shape.normalize(dim, rank: rank, op: "log_softmax")
        // PyTorch's CPU kernels, named as its dtype error names them.
        requireFloatingPoint(d == rank - 1 ? "log_softmax_lastdim_kernel_impl" : "log_softmax_kernel_impl")
        let (outer, size, inner) = Shape.split(shape, at: d)
        let out = backend.logSoftmax(storage, outer: outer, size: size, inner: inner)
        return Tensor.record(out, shape: shape, inputs: [self], name: "LogSoftmaxBackward0", op: "log_softmax", savingOutput: true) { g, saved in
            [Tensor(storage: g.backend.logSoftmaxBackward(g.storage, output: saved[0].storage, outer: outer, size: size, inner: inner), shape: g.shape)]
        }
    }

    /// softmax, composed: exp(log_softmax(x)).
    public func softmax(dim: Int) -> Tensor {
        logSoftmax(dim: dim).exp()
    }
}
