/// Every node name an op of this library can record: the primitives, each with a hand-written
/// backward. Composed ops (cross_entropy, softmax, dropout, ...) record these and nothing else.
///
/// Kept in sync by hand with the `name: "..."` strings in the ops. The tests hold it to that:
/// they read the sources and compare, and they fail when a name here has no finite-difference
/// gradient check, so a new primitive cannot land without one.
public enum Primitives {
    /// PyTorch's names for the nodes, grouped by the file of the op that records them.
    public static let nodeNames: [String] = [
        // Arithmetic.swift
        "AddBackward0", "SubBackward0", "MulBackward0", "DivBackward0", "NegBackward0", "RsubBackward1",
        // Pointwise.swift
        "PowBackward0", "ExpBackward0", "LogBackward0", "SqrtBackward0",
        "ReluBackward0", "SigmoidBackward0", "TanhBackward0",
        // Reduction.swift
        "SumBackward0", "SumBackward1", "MeanBackward0", "MeanBackward1", "MaxBackward0", "MaxBackward1",
        // Linalg.swift
        "MmBackward0", "BmmBackward0", "AddmmBackward0",
        // Layout.swift
        "ViewBackward0", "UnsafeViewBackward0", "UnsqueezeBackward0", "SqueezeBackward0", "SqueezeBackward1",
        "CloneBackward0", "PermuteBackward0", "TransposeBackward0", "TBackward0", "ExpandBackward0",
        // Convolution.swift, Pooling.swift
        "ConvolutionBackward0", "MaxPool2DWithIndicesBackward0",
        // Softmax.swift, Loss.swift, Indexing.swift
        "LogSoftmaxBackward0", "NllLossBackward0", "MseLossBackward0", "GatherBackward0",
        // Tensor+Creation.swift: to(dtype), to(device)
        "ToCopyBackward0",
    ]

    /// The node of a leaf that requires grad; not an op, but in every graph.
    public static let accumulateGrad = "AccumulateGrad"
}
