/// How an op records itself: the kernel computes the output storage, then `Tensor.record` wraps
/// it and, when grad mode is on and an input requires grad, creates the node with its edges and
/// saved tensors. A saved output is kept as a detached alias (data only), so a node that saves its
/// own output makes no reference cycle; saved inputs are kept as they are (an input cannot lead
/// back to the node that consumes it, and an alias per input cost the MLP step 13 tensor objects).
/// Releasing them frees the memory.
extension Tensor {
    /// The edge a consumer of this tensor points to: its grad_fn, or the leaf's AccumulateGrad.
    func gradientEdge() -> Node? {
        guard requiresGrad else { return nil }
        if let gradFn { return gradFn }
        if let existing = gradAccumulator { return existing }
        let accumulator = Node(accumulatingInto: self)
        gradAccumulator = accumulator
        return accumulator
    }

    /// Wraps `storage` as the result of an op on `inputs`, recording `name` (PyTorch's node name)
    /// with `backward` when a gradient is needed. `saving` are the inputs backward reads;
    /// `savingOutput` appends the result itself. A nil input is a scalar operand: PyTorch keeps an
    /// edge for it that points nowhere, and so do we. `pendingTranspose`: `storage` holds the
    /// result's transpose, left uncopied (Tensor+LazyTranspose.swift). `scalar` is a Python-number
    /// operand the backward reads as `saved.scalar` (SavedValues.swift says why not a capture).
    ///
    /// `inputs` is a SmallList (call sites still write `[a, b]`): an array literal passed here
    /// was a heap array per op, built, walked and freed. `saving` becomes the node's saved
    /// list as it is, not copied into a new array.
    static func record(_ storage: Storage, shape: [Int], isContiguous: Bool = true,
                       inputs: SmallList<Tensor>, name: String, op: String,
                       saving: [Tensor] = [], savingOutput: Bool = false,
                       pendingTranspose: Bool = false, scalar: Double = 0,
                       backward: @escaping Node.BackwardFunction) -> Tensor {
        func result(requiresGrad: Bool = false, gradFn: Node? = nil) -> Tensor {
            if pendingTranspose {
                return Tensor(transposing: storage, shape: shape, requiresGrad: requiresGrad, gradFn: gradFn,
                              isContiguous: isContiguous)
            }
            return Tensor(storage: storage, shape: shape, requiresGrad: requiresGrad, gradFn: gradFn, isContiguous: isContiguous)
        }
        var needsGrad = false
        // By index: iterating the list would copy it, a retain per slot.
        for i in 0..<inputs.count where inputs[i]?.requiresGrad == true { needsGrad = true; break }
        guard needsGrad else { return result() }
        let context = RecordingContext.current
        guard context.gradEnabled else { return result() }
        var saved = saving
        if savingOutput { saved.append(result()) }
        var edges = SmallList<Node>()
        for i in 0..<inputs.count { edges.append(inputs[i]?.gradientEdge()) }
        let node = Node(name: name, forwardOp: op, edges: edges, saved: SavedValues(saved, scalar: scalar),
                        outputShape: shape, outputDType: storage.dtype, module: context.module, backward: backward)
        return result(requiresGrad: true, gradFn: node)
    }

    /// `record` for an op with one tensor input and, when `scalarOperand`, a Python-number
    /// second operand (whose edge points nowhere, as in PyTorch), saving no tensor. The chain
    /// of small ops spends its time here: no `inputs` array to build, walk and release, and no
    /// saved-tensor array, which the general path costs in reference counting per op.
    static func record(_ storage: Storage, shape: [Int], input: Tensor, scalarOperand: Bool, name: String,
                       op: String, scalar: Double = 0,
                       backward: @escaping Node.BackwardFunction) -> Tensor {
        guard input.requiresGrad else { return Tensor(storage: storage, shape: shape) }
        let context = RecordingContext.current
        guard context.gradEnabled else { return Tensor(storage: storage, shape: shape) }
        var edges = SmallList<Node>()
        edges.append(input.gradientEdge())
        if scalarOperand { edges.append(nil) }
        let node = Node(name: name, forwardOp: op, edges: edges, saved: SavedValues([], scalar: scalar),
                        outputShape: shape, outputDType: storage.dtype, module: context.module, backward: backward)
        return Tensor(storage: storage, shape: shape, requiresGrad: true, gradFn: node)
    }
}
