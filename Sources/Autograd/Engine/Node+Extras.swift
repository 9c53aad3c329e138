/// The state of a node that only some nodes have: the leaf of an AccumulateGrad node, the hooks
/// registered on a non-leaf output and the tensor that asked to retain its gradient.
///
/// Nearly every node is an ordinary op's, with none of these. As fields of Node they cost each
/// node two releases and a weak reference's destruction when the graph goes, and the engine
/// three checks (one of them a weak load) when it runs the node; in one object, made when one
/// of them is first set, an ordinary node costs a single nil.
extension Node {
    final class Extras {
        /// For AccumulateGrad: the leaf it accumulates into (held strongly, as PyTorch does).
        let variable: Tensor?
        /// Hooks registered on the output tensor of a non-leaf (run on the gradient it receives).
        var preHooks: [(Tensor) -> Tensor?] = []
        /// The output tensor that asked to keep its gradient (`retainGrad()`); weak, since the
        /// tensor owns this node and not the other way round.
        weak var retainedGradTensor: Tensor?

        init(variable: Tensor? = nil) {
            self.variable = variable
        }
    }

    /// The side object, made on first use.
    var ensuredExtras: Extras {
        if let extras { return extras }
        let made = Extras()
        extras = made
        return made
    }

    /// For AccumulateGrad: the leaf it accumulates into (held strongly, as PyTorch does).
    public var variable: Tensor? { extras?.variable }
}
