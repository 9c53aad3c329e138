import Autograd

/// One node of a backward pass as the tests and the PyTorch fixtures describe it: its name, the
/// leaf it accumulates into (AccumulateGrad only), and its edges as positions in the execution
/// order (nil where PyTorch keeps an edge that points nowhere). A list of these, in execution
/// order, pins down names, edges in input order and the order backward runs the nodes at once.
struct GraphEntry: Equatable, Sendable, CustomStringConvertible {
    let name: String
    let leaf: String?
    let next: [Int?]

    init(_ name: String, leaf: String? = nil, next: [Int?] = []) {
        self.name = name
        self.leaf = leaf
        self.next = next
    }

    var description: String {
        let label = leaf.map { "\(name)(\($0))" } ?? name
        let edges = next.map { $0.map(String.init) ?? "None" }.joined(separator: ", ")
        return "\(label) -> [\(edges)]"
    }
}

/// Runs backward from `root` one node at a time and records what ran, in order.
func recordBackward(_ root: Tensor, gradient: Tensor? = nil, retainGraph: Bool = false) throws -> [GraphEntry] {
    let stepper = try BackwardStepper(root: root, gradient: gradient, retainGraph: retainGraph)
    var nodes: [Node] = []
    while let step = try stepper.step() { nodes.append(step.node) }
    var position: [ObjectIdentifier: Int] = [:]
    for (i, node) in nodes.enumerated() { position[ObjectIdentifier(node)] = i }
    return nodes.map { node in
        GraphEntry(node.name, leaf: node.variable.map { $0.name ?? "?" },
                   next: node.nextEdges.map { edge in edge.map { position[ObjectIdentifier($0)]! } })
    }
}

/// Every node reachable from `root`'s grad_fn, each once, found without running anything.
func reachableNodes(from root: Tensor) -> [Node] {
    guard let start = root.gradFn else { return [] }
    var seen: Set<ObjectIdentifier> = [ObjectIdentifier(start)]
    var stack = [start]
    var found: [Node] = []
    while let node = stack.popLast() {
        found.append(node)
        for case let next? in node.nextEdges where seen.insert(ObjectIdentifier(next)).inserted {
            stack.append(next)
        }
    }
    return found
}

/// A readable diff of two entry lists, for failure messages.
func describeDifference(_ got: [GraphEntry], _ expected: [GraphEntry]) -> String {
    var lines: [String] = []
    for i in 0..<max(got.count, expected.count) {
        let g = i < got.count ? got[i].description : "(none)"
        let e = i < expected.count ? expected[i].description : "(none)"
        lines.append((g == e ? "  " : "! ") + "\(i): got \(g)" + (g == e ? "" : "; PyTorch \(e)"))
    }
    return lines.joined(separator: "\n")
}

/// A tensor PyTorch printed, with the Swift that builds the same tensor.
struct DescriptionFixture: Sendable, CustomStringConvertible {
    let name: String
    let make: @Sendable () -> Tensor
    let text: String

    init(_ name: String, _ make: @escaping @Sendable () -> Tensor, _ text: String) {
        self.name = name
        self.make = make
        self.text = text
    }

    var description: String { name }
}
