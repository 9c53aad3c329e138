import Trainer

/// The Train page's node inspector: a node selected in the graph, as the last backward ran it —
/// the gradient it received, what it sent along each edge and to which node (`next_functions`),
/// and what it had saved for backward, under PyTorch's names.
public struct NodeInspector: Widget, Sendable {
    public var node: GraphNode
    public var record: NodeRecord?
    public var graph: GraphSnapshot?

    public init(node: GraphNode, record: NodeRecord?, graph: GraphSnapshot?) {
        self.node = node
        self.record = record
        self.graph = graph
    }

    static func summary(_ g: GradientSummary) -> String {
        Format.shape(g.shape) + " norm " + Format.significant(g.norm, 3) + " "
            + "[" + g.firstValues.prefix(3).map { Format.significant($0, 3) }.joined(separator: ", ")
            + (g.firstValues.count > 3 || g.shape.reduce(1, *) > 3 ? ", …]" : "]")
    }

    func lines(theme: Theme) -> [(String, Style)] {
        var out: [(String, Style)] = []
        let owner = node.parameter ?? node.module
        out.append((node.name + (owner.map { " (\($0))" } ?? "") + "  output " + Format.shape(node.shape), theme.title))
        guard let r = record else {
            out.append(("no record of this node yet: it is kept from the next backward on while the graph is focused (n: one step)",
                        theme.dim))
            return out
        }
        out.append(("backward of step \(r.step)", theme.dim))
        out.append(("received  " + (r.gradIn.map(NodeInspector.summary) ?? "None"), theme.text))
        if r.edges.isEmpty {
            out.append((node.parameter.map { "adds it into \($0).grad (a leaf: no next_functions)" } ?? "no next_functions",
                        theme.text))
        } else {
            out.append(("next_functions, and what went along each:", theme.label))
            for edge in r.edges {
                let target = edge.name + (edge.parameter.map { " (\($0))" } ?? "")
                out.append(("→ " + target, theme.module))
                out.append(("    " + (edge.gradient.map(NodeInspector.summary) ?? "None"), theme.text))
            }
        }
        // What backward needed from the forward, as PyTorch names it on grad_fn.
        if r.saved.isEmpty && r.savedScalar == nil {
            out.append(("saved for backward: nothing", theme.dim))
        } else {
            out.append(("saved for backward (grad_fn._saved_*):", theme.label))
            for s in r.saved { out.append(("    " + s.name + " " + Format.shape(s.shape), theme.text)) }
            if let scalar = r.savedScalar {
                // As Python prints the number (1.0001, 0.5), not rounded to a fixed width.
                out.append(("    " + scalar.name + " = \(scalar.value) (a Python number)", theme.text))
            }
        }
        return out
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        var y = area.y
        for (text, style) in lines(theme: theme) {
            // Continuation lines sit two columns in from their line's own indentation.
            let lead = text.prefix { $0 == " " }.count
            let body = String(text.dropFirst(lead))
            for (i, piece) in Format.wrap(body, max(10, area.width - lead - 2)).enumerated() {
                guard y < area.maxY else { return }
                let pad = String(repeating: " ", count: lead + (i == 0 ? 0 : 2))
                buffer.put(pad + piece, x: area.x, y: y, style: style, clip: area)
                y += 1
            }
        }
    }
}
