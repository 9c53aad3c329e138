import Trainer

// The graph as rows of a tree, from the loss down to the leaves. A network's graph is mostly a
// long chain with short side branches (a Linear's bias and weight, a conv's parameters), so
// the chain (the "spine": at each node the child with the largest subgraph) stays flush left
// and only side branches are indented; a 27-node graph is then 27 readable rows, not a
// staircase 27 levels deep. The spine goes on only into a subgraph that reaches two or more
// leaves: one that ends in a single parameter (the first Linear's TBackward0 → weight, when the
// input needs no gradient) is that parameter's branch and is nested like the others. A node reached a second time (a graph that is not a tree) is shown
// as a reference. Rows of the same module in a run form a group that can be folded to one row.
// Everything is iterative: a deep graph cannot overflow the stack.

public struct GraphRow: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case node(Int)
        /// A node already shown above (the graph is a DAG, not a tree).
        case reference(Int)
        /// A folded module: one row for all its nodes.
        case group(module: String, nodes: [Int])
    }

    public var kind: Kind
    /// Tree guides before the name ("├─", "│ └─").
    public var lead: String
    /// The module the row belongs to, for folding (nil: no module).
    public var module: String?
    /// The first row of an unfolded module group of two or more rows.
    public var startsGroup: Bool = false

    /// The node ids this row stands for.
    public var nodes: [Int] {
        switch kind {
        case .node(let id), .reference(let id): return [id]
        case .group(_, let ids): return ids
        }
    }
}

public enum GraphTree {
    /// The rows for `graph` with the modules in `collapsed` folded.
    public static func rows(_ graph: GraphSnapshot?, collapsed: [String]) -> [GraphRow] {
        guard let graph, let rootNode = graph.node(graph.root) else { return [] }
        let (sizes, leaves) = subgraphSizes(graph)
        var seen = Set<Int>()
        var rows: [GraphRow] = []
        struct Item {
            var id: Int
            var lead: String
            /// Guides for this node's side branches.
            var prefix: String
            var onSpine: Bool
        }
        var stack = [Item(id: rootNode.id, lead: "", prefix: "", onSpine: true)]
        while let item = stack.popLast() {
            guard let node = graph.node(item.id) else { continue }
            let module = node.module
            if seen.contains(node.id) {
                rows.append(GraphRow(kind: .reference(node.id), lead: item.lead, module: module))
                continue
            }
            seen.insert(node.id)
            rows.append(GraphRow(kind: .node(node.id), lead: item.lead, module: module))
            let children = node.next.filter { graph.node($0) != nil }
            var spine: Int? = nil
            if item.onSpine {
                let best = children.max { (sizes[$0] ?? 1) < (sizes[$1] ?? 1) }
                if let best, (sizes[best] ?? 1) > 1, (leaves[best] ?? 1) >= 2, !seen.contains(best) {
                    spine = best
                }
            }
            let side = children.filter { $0 != spine }
            if let spine {
                stack.append(Item(id: spine, lead: item.lead, prefix: item.prefix, onSpine: true))
            }
            let base = item.prefix
            for (j, child) in side.enumerated().reversed() {
                let last = j == side.count - 1
                stack.append(Item(id: child, lead: base + (last ? "└─" : "├─"), prefix: base + (last ? "  " : "│ "), onSpine: false))
            }
        }
        return fold(rows, collapsed: collapsed)
    }

    /// Groups runs of rows that share a module; folds those in `collapsed` into one row each.
    static func fold(_ rows: [GraphRow], collapsed: [String]) -> [GraphRow] {
        var out: [GraphRow] = []
        var i = 0
        while i < rows.count {
            guard let module = rows[i].module else {
                out.append(rows[i])
                i += 1
                continue
            }
            var j = i + 1
            while j < rows.count, rows[j].module == module { j += 1 }
            let run = rows[i..<j]
            if run.count >= 2 && collapsed.contains(module) {
                let ids = run.flatMap(\.nodes)
                out.append(GraphRow(kind: .group(module: module, nodes: ids), lead: rows[i].lead, module: module))
            } else {
                for (k, row) in run.enumerated() {
                    var r = row
                    r.startsGroup = k == 0 && run.count >= 2
                    out.append(r)
                }
            }
            i = j
        }
        return out
    }

    /// How many nodes each node's subgraph holds, and how many leaves it reaches (shared nodes
    /// counted once per path, capped), computed bottom-up without recursion.
    static func subgraphSizes(_ graph: GraphSnapshot) -> (sizes: [Int: Int], leaves: [Int: Int]) {
        var sizes: [Int: Int] = [:]
        var leaves: [Int: Int] = [:]
        var stack: [(Int, Bool)] = [(graph.root, false)]
        var onPath = Set<Int>()
        while let (id, expanded) = stack.popLast() {
            if sizes[id] != nil { continue }
            guard let node = graph.node(id) else {
                sizes[id] = 0
                leaves[id] = 0
                continue
            }
            if expanded {
                onPath.remove(id)
                let total = node.next.reduce(1) { $0 + (sizes[$1] ?? 0) }
                sizes[id] = min(total, 1 << 40)
                let reached = node.next.reduce(0) { $0 + (leaves[$1] ?? 0) }
                leaves[id] = node.next.isEmpty ? 1 : min(reached, 1 << 40)
            } else {
                // A cycle cannot come from autograd, but a malformed snapshot must not hang us.
                guard !onPath.contains(id) else {
                    sizes[id] = 1
                    leaves[id] = 1
                    continue
                }
                onPath.insert(id)
                stack.append((id, true))
                for child in node.next where sizes[child] == nil && !onPath.contains(child) {
                    stack.append((child, false))
                }
            }
        }
        return (sizes, leaves)
    }

    /// The index of the row that shows node `id` (a folded group shows all its nodes).
    public static func row(of id: Int, in rows: [GraphRow]) -> Int? {
        rows.firstIndex { row in
            if case .reference = row.kind { return false }
            return row.nodes.contains(id)
        }
    }
}
