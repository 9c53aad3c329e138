/// The losses. nll_loss and mse_loss are primitives with their own nodes, as in PyTorch;
/// cross_entropy is composed (log_softmax then nll_loss), so it needs no backward of its own.
public enum Reduction: String, Sendable, CaseIterable {
    case mean, sum, none
}

extension Tensor {
    /// Negative log-likelihood of log-probabilities [n, c] at int64 labels [n] (NllLossBackward0).
    public static func nllLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        ensure(input.rank == 2, "nll_loss: expected input of shape [n, c], got \(Shape.describe(input.shape))")
        ensure(target.dtype == .int64, "nll_loss: expected target of dtype int64, got \(target.dtype)")
        ensure(target.rank == 1 && target.shape[0] == input.shape[0], "Expected input batch_size (\(input.shape[0])) to match target batch_size (\(target.shape.first ?? 0)).")
        input.requireFloatingPoint("nll_loss_out_frame")
        let n = input.shape[0], c = input.shape[1]
        let index = target.storage
        let source = input.storage
        let backend = source.backend
        let picked = backend.gather(source, outer: n, size: c, inner: 1, index: index, indexSize: 1)
        let scale: Double = reduction == .mean ? -1 / Double(Swift.max(n, 1)) : -1
        let out: Storage
        let outShape: [Int]
        switch reduction {
        case .none:
            out = backend.unary(.neg, picked)
            outShape = [n]
        case .mean, .sum:
            out = backend.unary(.scale(scale), backend.sum(picked, shape: [n], dims: [0]))
            outShape = []
        }
        // Saved as PyTorch's _saved_target; backward reads only its storage.
        return record(out, shape: outShape, inputs: [input], name: "NllLossBackward0", op: "nll_loss", saving: [target]) { g, saved in
            // d loss / d input[i, target[i]] = scale · g (per sample for reduction none); zero
            // elsewhere. Written with the backend's kernels directly: the tensor ops (reshape,
            // expand, a product) made three tensor objects for one scalar.
            let gradient = g.storage
            let b = gradient.backend
            let perSample = reduction == .none
                ? b.unary(.scale(-1), gradient)
                : b.unary(.scale(scale), b.expand(gradient, shape: [1], to: [n]))
            return [Tensor(storage: b.scatterAdd(perSample, outer: n, size: c, inner: 1, index: saved[0].storage, indexSize: 1),
                           shape: [n, c])]
        }
    }

    /// Cross entropy of raw scores [n, c] at int64 labels [n]: log_softmax then nll_loss.
    public static func crossEntropy(_ logits: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        nllLoss(logits.logSoftmax(dim: 1), target, reduction: reduction)
    }

    /// Mean (or summed) squared error (MseLossBackward0; edges: input, target).
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        ensure(input.shape == target.shape, "mse_loss: input \(Shape.describe(input.shape)) and target \(Shape.describe(target.shape)) must have the same shape")
        ensure(input.dtype == target.dtype, "mse_loss: expected both operands to have the same dtype, but got \(input.dtype) and \(target.dtype)")
        input.requireFloatingPoint("mse_cpu")
        let b = input.backend
        let diff = b.binary(.sub, input.storage, input.shape, target.storage, target.shape, outShape: input.shape)
        let squared = b.binary(.mul, diff, input.shape, diff, input.shape, outShape: input.shape)
        let n = Double(Swift.max(input.count, 1))
        let out: Storage
        let outShape: [Int]
        switch reduction {
        case .none:
            out = squared
            outShape = input.shape
        case .sum:
            out = b.sum(squared, shape: input.shape, dims: Array(0..<input.rank))
            outShape = []
        case .mean:
            out = b.unary(.scale(1 / n), b.sum(squared, shape: input.shape, dims: Array(0..<input.rank)))
            outShape = []
        }
        let shape = input.shape
        let diffTensor = Tensor(storage: diff, shape: shape)
        return record(out, shape: outShape, inputs: [input, target], name: "MseLossBackward0", op: "mse_loss", saving: [diffTensor]) { g, saved in
            let factor = reduction == .mean ? 2 / n : 2
            let gradInput = saved[0] * (reduction == .none ? g : g.expand(shape)) * factor
            return [gradInput, -gradInput]
        }
    }
}
