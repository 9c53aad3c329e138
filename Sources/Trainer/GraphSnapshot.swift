/// The graph of one training iteration, as plain values. Node ids are small integers in creation
/// order; `executionOrder` is the order PyTorch's engine runs them in backward.
public struct GraphSnapshot: Sendable, Equatable {
    public var nodes: [GraphNode]
    /// The id of the loss's grad_fn.
    public var root: Int
    public var executionOrder: [Int]

    public init(nodes: [GraphNode], root: Int, executionOrder: [Int]) {
        self.nodes = nodes
        self.root = root
        self.executionOrder = executionOrder
    }

    public func node(_ id: Int) -> GraphNode? {
        id >= 0 && id < nodes.count && nodes[id].id == id ? nodes[id] : nodes.first { $0.id == id }
    }
}

public struct GraphNode: Sendable, Equatable {
    public var id: Int
    /// PyTorch's name: AddmmBackward0, AccumulateGrad, ...
    public var name: String
    /// The module whose forward created it (fc3), or for AccumulateGrad the parameter's module.
    public var module: String?
    /// For AccumulateGrad: the parameter's dotted name (fc3.bias).
    public var parameter: String?
    /// Shape of the output this node receives a gradient for.
    public var shape: [Int]
    /// Ids of the nodes its gradient flows to, in PyTorch's edge order (invalid edges left out).
    public var next: [Int]

    public init(id: Int, name: String, module: String?, parameter: String?, shape: [Int], next: [Int]) {
        self.id = id
        self.name = name
        self.module = module
        self.parameter = parameter
        self.shape = shape
        self.next = next
    }
}
