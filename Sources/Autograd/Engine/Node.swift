import Synchronization

/// What a backward function returns: one gradient per edge, nil where none flows.
public typealias Gradients = SmallList<Tensor>

/// A Node is a grad_fn: one recorded operation of the forward pass, seen from the backward pass.
///
/// It carries PyTorch's name for it (AddmmBackward0, ...), an edge to the node of each forward
/// input in PyTorch's input order (nil where that input needs no gradient, as PyTorch keeps an
/// invalid edge there), the tensors it saved for backward, and its backward function: given the
/// gradient of its output it returns one gradient per edge. The sequence number records creation
/// order; the engine runs the ready node with the highest one first.
///
/// A leaf that requires grad gets an AccumulateGrad node instead (`variable` set, no backward
/// function): it adds the incoming gradient into `variable.grad`.
public final class Node {
    public let name: String
    public let sequenceNr: Int
    /// Edges to the nodes of the forward inputs, in PyTorch's order (inline: no array per node).
    public let edges: SmallList<Node>
    /// The dotted name of the module whose forward created this node (nil outside modules).
    public let module: String?
    /// The forward op, for anomaly messages (`addmm`, `conv2d`, ...).
    public let forwardOp: String
    /// Shape and dtype of the output this node receives a gradient for.
    public let outputShape: [Int]
    public let outputDType: DType

    /// Given the gradient of the output and the saved tensors: one gradient per edge (an array
    /// literal such as `[g, nil]` builds the inline list).
    public typealias BackwardFunction = (_ grad: Tensor, _ saved: SavedValues) -> Gradients
    /// The backward function; AccumulateGrad's returns nothing (the engine never calls it). Not
    /// optional: calling an optional closure copies it out first, a retain and a release per node.
    let backwardFunction: BackwardFunction
    var saved: SavedValues
    private let savesTensors: Bool
    public private(set) var savedTensorsReleased = false

    /// An AccumulateGrad node's leaf, hooks and retain_grad (Node+Extras.swift): nil for the
    /// nodes of ordinary ops, so the engine checks one reference where it would check three.
    var extras: Extras?

    public var isAccumulateGrad: Bool { variable != nil }

    /// The backward pass whose walk last reached this node, and the node's slot in that pass's
    /// tables (BackwardStepper): the walk tells a node it has seen by its stamp instead of
    /// hashing it, and records each edge as a slot index for the rest of the pass.
    var passStamp = 0
    var passIndex = 0

    /// AccumulateGrad nodes count as created last of all, so they run as soon as they are ready.
    static let accumulateGradSequenceNr = Int.max
    private static let counter = Atomic<Int>(0)

    /// `module` defaults to the module whose forward is running; `Tensor.record` passes the one
    /// it read already with grad mode (GradMode.swift says why once).
    init(name: String, forwardOp: String, edges: SmallList<Node>, saved: SavedValues, outputShape: [Int],
         outputDType: DType, module: String? = ModuleScope.current,
         backward: @escaping BackwardFunction) {
        self.name = name
        self.forwardOp = forwardOp
        self.sequenceNr = Node.counter.wrappingAdd(1, ordering: .relaxed).oldValue
        self.edges = edges
        self.saved = saved
        self.savesTensors = !saved.isEmpty
        self.backwardFunction = backward
        self.module = module
        self.outputShape = outputShape
        self.outputDType = outputDType
    }

    /// An AccumulateGrad node for a leaf.
    init(accumulatingInto leaf: Tensor) {
        self.name = "AccumulateGrad"
        self.forwardOp = "leaf"
        self.sequenceNr = Node.accumulateGradSequenceNr
        self.edges = []
        self.saved = []
        self.savesTensors = false
        self.backwardFunction = { _, _ in [] }
        self.extras = Extras(variable: leaf)
        self.module = nil
        self.outputShape = leaf.shape
        self.outputDType = leaf.dtype
    }

    /// The shapes of the tensors saved for backward (`grad_fn._saved_*`), in the order saved;
    /// empty once they were freed.
    public var savedShapes: [[Int]] { saved.map(\.shape) }

    /// Drops the saved tensors after a backward that did not ask to keep the graph.
    func releaseSavedTensors() {
        if savesTensors {
            saved.tensors = []
            savedTensorsReleased = true
        }
    }

    /// Runs the node's backward on `grad`: one gradient per edge.
    func apply(_ grad: Tensor) throws(AutogradError) -> Gradients {
        if savedTensorsReleased { throw .graphFreed(node: name) }
        return backwardFunction(grad, saved)
    }

    /// The edges as an array, nil where PyTorch keeps an invalid edge (`next_functions`).
    public var nextEdges: [Node?] { Array(edges) }

    /// The valid edges' nodes, in order (what `next_functions` shows, without the Nones).
    public var nextNodes: [Node] { edges.compactMap { $0 } }
}
