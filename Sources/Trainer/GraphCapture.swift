import Autograd

/// Turns the live graph of one iteration (Nodes, only valid on the trainer's queue) into a
/// GraphSnapshot of plain values. Ids are assigned in creation order (sequence number), with the
/// AccumulateGrad nodes last in the order they are first reached, so the same model gives the
/// same ids every iteration.
struct GraphCapture {
    let snapshot: GraphSnapshot
    /// Node identity → id, to translate the backward stepper's reports.
    let ids: [ObjectIdentifier: Int]

    init(root: Node) {
        var order: [Node] = []
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        var stack = [root]
        // Iterative walk in edge order; discovery order breaks AccumulateGrad ties deterministically.
        while let node = stack.popLast() {
            order.append(node)
            for next in node.nextNodes.reversed() where seen.insert(ObjectIdentifier(next)).inserted {
                stack.append(next)
            }
        }
        let discovery = Dictionary(uniqueKeysWithValues: order.enumerated().map { (ObjectIdentifier($1), $0) })
        let sorted = order.sorted {
            $0.sequenceNr != $1.sequenceNr ? $0.sequenceNr < $1.sequenceNr
                : discovery[ObjectIdentifier($0)]! < discovery[ObjectIdentifier($1)]!
        }
        var ids: [ObjectIdentifier: Int] = [:]
        for (i, node) in sorted.enumerated() { ids[ObjectIdentifier(node)] = i }
        let nodes = sorted.enumerated().map { i, node -> GraphNode in
            let parameter = node.variable?.name
            var module = node.module.flatMap { $0.isEmpty ? nil : $0 }
            if let parameter, let dot = parameter.lastIndex(of: ".") {
                module = String(parameter[..<dot])
            }
            return GraphNode(id: i, name: node.name, module: module, parameter: parameter,
                             shape: node.outputShape, next: node.nextNodes.map { ids[ObjectIdentifier($0)]! })
        }
        self.ids = ids
        self.snapshot = GraphSnapshot(nodes: nodes, root: ids[ObjectIdentifier(root)]!, executionOrder: [])
    }

    func id(of node: Node) -> Int? { ids[ObjectIdentifier(node)] }
}
