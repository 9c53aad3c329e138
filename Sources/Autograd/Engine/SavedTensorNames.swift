/// PyTorch's names for what a node keeps for its backward (`grad_fn._saved_self`,
/// `_saved_result`, …), so the node inspector can say, in PyTorch's words, what backward will need.
///
/// The names are listed per node in the order blitz-tui's op saves its tensors (the `saving:`
/// list, then the output for ops that save it). A name without the `_saved_` prefix is a tensor
/// blitz-tui saves where PyTorch saves others (MSELoss keeps `input − target` instead of both).
/// `SavedTensorNamesTests` checks every name and shape against what real PyTorch saves for the
/// same graphs (Tests/AutogradTests/Fixtures/SavedTensorFixtures.swift, written by
/// scripts/saved_tensors_fixture.py), so a change to what an op saves shows up there.
public enum SavedTensorNames {
    static let tensors: [String: [String]] = [
        "MulBackward0": ["_saved_self", "_saved_other"],
        "DivBackward0": ["_saved_self", "_saved_other"],
        "PowBackward0": ["_saved_self"],
        "ExpBackward0": ["_saved_result"],
        "LogBackward0": ["_saved_self"],
        "SqrtBackward0": ["_saved_result"],
        "ReluBackward0": ["_saved_result"],
        "SigmoidBackward0": ["_saved_result"],
        "TanhBackward0": ["_saved_result"],
        "MaxBackward0": ["_saved_indices"],
        "MaxBackward1": ["_saved_self"],
        "MmBackward0": ["_saved_self", "_saved_mat2"],
        "BmmBackward0": ["_saved_self", "_saved_mat2"],
        "AddmmBackward0": ["_saved_mat1", "_saved_mat2"],
        "ConvolutionBackward0": ["_saved_input", "_saved_weight"],
        "MaxPool2DWithIndicesBackward0": ["_saved_result1"],
        "LogSoftmaxBackward0": ["_saved_result"],
        "NllLossBackward0": ["_saved_target"],
        "MseLossBackward0": ["input − target"],
        "GatherBackward0": ["_saved_index"],
    ]

    /// Nodes that keep a Python-number operand (`x * 2`, `x / 4`) and PyTorch's name for it.
    static let scalars: [String: String] = [
        "MulBackward0": "_saved_other",
        "DivBackward0": "_saved_other",
    ]

    /// The name of the `index`-th tensor `node` saved ("saved[2]" for one the table does not know).
    public static func name(node: String, index: Int) -> String {
        guard let names = tensors[node], names.indices.contains(index) else { return "saved[\(index)]" }
        return names[index]
    }
}

extension Node {
    /// The tensors saved for backward, each with PyTorch's name for it and its shape, in the
    /// order saved; empty once they were freed.
    public var savedTensors: [(name: String, shape: [Int])] {
        saved.enumerated().map { (SavedTensorNames.name(node: name, index: $0.offset), $0.element.shape) }
    }

    /// A Python-number operand the node keeps (MulBackward0's `_saved_other` for `x * 2`), or nil.
    public var savedScalar: (name: String, value: Double)? {
        // The number form of these ops saves no tensor; the tensor form saves two until freed.
        guard !savedTensorsReleased, saved.isEmpty, let scalarName = SavedTensorNames.scalars[name] else { return nil }
        return (scalarName, saved.scalar)
    }
}
