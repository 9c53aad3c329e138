/// Loss functions as callables, like torch.nn.CrossEntropyLoss and torch.nn.MSELoss:
/// `let criterion = CrossEntropyLoss(); let loss = criterion(outputs, labels)`.
/// They hold only settings (no parameters), so they are plain values; their nodes belong to
/// whichever module scope calls them (none, in a training loop).
public protocol LossFunction: Sendable, CustomStringConvertible {
    func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor
}

/// Cross entropy of raw scores [n, classes] against int64 labels [n]: log_softmax then nll_loss,
/// so the graph has LogSoftmaxBackward0 and NllLossBackward0, as PyTorch's does.
public struct CrossEntropyLoss: LossFunction {
    public var reduction: Reduction

    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Tensor.crossEntropy(input, target, reduction: reduction)
    }

    public var description: String { "CrossEntropyLoss()" }
}

/// Squared error, averaged (the default) or summed (MseLossBackward0).
public struct MSELoss: LossFunction {
    public var reduction: Reduction

    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Tensor.mseLoss(input, target, reduction: reduction)
    }

    public var description: String { "MSELoss()" }
}
