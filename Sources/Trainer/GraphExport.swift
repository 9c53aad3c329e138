import Autograd

/// The graph of one iteration as text (an indented tree from the loss to the leaves), as DOT for
/// Graphviz, and as JSON (the contract in ARCHITECTURE.md, plus shapes).
public enum GraphFormat: String, Sendable, CaseIterable {
    case text, dot, json
}

extension GraphSnapshot {
    public func render(_ format: GraphFormat) -> String {
        switch format {
        case .text: return textTree()
        case .dot: return dot()
        case .json: return json()
        }
    }

    /// A label such as `AddmmBackward0 (fc3) [4, 10]` or `AccumulateGrad fc3.bias [10]`.
    public func label(_ node: GraphNode) -> String {
        if let parameter = node.parameter {
            return "\(node.name) \(parameter) \(shapeText(node.shape))"
        }
        let module = node.module.map { " (\($0))" } ?? ""
        return "\(node.name)\(module) \(shapeText(node.shape))"
    }

    /// Indented tree from the root; a node reached twice is printed once and referenced after.
    public func textTree() -> String {
        var lines: [String] = []
        var printed: Set<Int> = []
        var stack: [(id: Int, depth: Int)] = [(root, 0)]
        while let (id, depth) = stack.popLast() {
            guard let node = node(id) else { continue }
            let indent = String(repeating: "  ", count: depth)
            if printed.contains(id) {
                lines.append("\(indent)\(node.name) #\(id) (see above)")
                continue
            }
            printed.insert(id)
            lines.append("\(indent)\(label(node)) #\(id)")
            for next in node.next.reversed() { stack.append((next, depth + 1)) }
        }
        if !executionOrder.isEmpty {
            lines.append("")
            lines.append("backward runs: " + executionOrder.compactMap { node($0).map { n in "\(n.name)#\(n.id)" } }.joined(separator: " → "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Graphviz: leaves (AccumulateGrad) green, grad_fn nodes blue, the root (the loss) red.
    public func dot() -> String {
        var out = "digraph backward {\n  rankdir=TB;\n  node [shape=box, style=\"rounded,filled\", fontname=\"monospace\"];\n"
        for node in nodes {
            let color = node.id == root ? "#f4a6a6" : node.parameter != nil ? "#b7e4b0" : "#aecbfa"
            var label = node.name
            if let parameter = node.parameter {
                label += "\\n\(parameter)"
            } else if let module = node.module {
                label += "\\n(\(module))"
            }
            label += "\\n\(shapeText(node.shape))"
            out += "  n\(node.id) [label=\"\(label)\", fillcolor=\"\(color)\"];\n"
        }
        for node in nodes {
            for next in node.next { out += "  n\(node.id) -> n\(next);\n" }
        }
        return out + "}\n"
    }

    public func json() -> String {
        let items = nodes.map { node -> String in
            var fields = ["\"id\":\(node.id)", "\"name\":\(jsonString(node.name))"]
            fields.append("\"module\":" + (node.module.map(jsonString) ?? "null"))
            if let parameter = node.parameter { fields.append("\"parameter\":\(jsonString(parameter))") }
            fields.append("\"shape\":[" + node.shape.map(String.init).joined(separator: ",") + "]")
            fields.append("\"next\":[" + node.next.map(String.init).joined(separator: ",") + "]")
            return "{" + fields.joined(separator: ",") + "}"
        }
        return "{\"nodes\":[" + items.joined(separator: ",") + "],\"root\":\(root),\"execution_order\":["
            + executionOrder.map(String.init).joined(separator: ",") + "]}\n"
    }
}

func shapeText(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

/// A JSON string literal, escaped by the same writer the safetensors headers use.
public func jsonString(_ s: String) -> String {
    JSONValue.string(s).text
}
