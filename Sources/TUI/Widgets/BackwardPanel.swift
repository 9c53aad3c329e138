import Trainer

/// The backward stepper's view of the pass: the node that ran and the one that runs next
/// (`ran: NAME`, `next: NAME`, as the screen contract says), what that node computes, the
/// gradient it received and what it passed along each edge, and which parameters hold a
/// .grad so far. The lines scroll when the panel is short.
public struct BackwardPanel: Widget, Sendable {
    public var graph: GraphSnapshot?
    public var cursor: BackwardCursor?
    public var parameters: [String]
    public var scroll: Int

    public init(graph: GraphSnapshot?, cursor: BackwardCursor?, parameters: [String], scroll: Int) {
        self.graph = graph
        self.cursor = cursor
        self.parameters = parameters
        self.scroll = scroll
    }

    struct Span {
        var text: String
        var style: Style
    }

    typealias Line = [Span]

    static let labelWidth = 10

    func describe(_ id: Int?, _ name: String?) -> String {
        guard let name else { return "—" }
        guard let id, let node = graph?.node(id) else { return name }
        if let where_ = node.parameter ?? node.module { return name + " (" + where_ + ")" }
        return name
    }

    /// Every line the panel would show with unlimited height.
    func lines(width: Int, theme: Theme) -> [Line] {
        var out: [Line] = []
        let contentWidth = max(1, width - BackwardPanel.labelWidth)
        func labelled(_ label: String, _ text: String, _ style: Style) {
            labelledPieces(label, [text], style)
        }
        func labelledPieces(_ label: String, _ pieces: [String], _ style: Style, separator: String = "  ") {
            let text = pieces.count == 1 ? Format.wrap(pieces[0], contentWidth) : Format.wrap(pieces: pieces, contentWidth, separator: separator)
            for (i, piece) in text.enumerated() {
                out.append([Span(text: Format.padRight(i == 0 ? label : "", BackwardPanel.labelWidth), style: theme.label), Span(text: piece, style: style)])
            }
        }
        /// "ran: " or "next: " and a node, wrapped under itself when the name is long; `suffix`
        /// (dim) follows on the last line when it fits there.
        func headed(_ head: String, _ text: String, _ style: Style, suffix: String = "") {
            let indent = head.count
            var pieces = Format.wrap(text, max(1, width - indent))
            if pieces.isEmpty { pieces = [""] }
            for (i, piece) in pieces.enumerated() {
                var line: Line = [Span(text: i == 0 ? head : String(repeating: " ", count: indent), style: theme.label),
                                  Span(text: piece, style: style)]
                if i == pieces.count - 1 && !suffix.isEmpty {
                    if indent + piece.count + suffix.count <= width {
                        line.append(Span(text: suffix, style: theme.dim))
                    } else {
                        out.append(line)
                        line = [Span(text: String(repeating: " ", count: indent), style: theme.label),
                                Span(text: String(suffix.drop { $0 == " " }), style: theme.dim)]
                    }
                }
                out.append(line)
            }
        }
        guard let cursor else {
            let first = graph.flatMap { g in g.executionOrder.first.map { ($0, g.node($0)?.name) } }
            out.append([Span(text: "ran: ", style: theme.label), Span(text: "—", style: theme.dim)])
            headed("next: ", first.map { describe($0.0, $0.1) } ?? "—", theme.nextNode)
            labelled("", "b runs one backward node (and pauses training). The first node of a pass also runs zero_grad (if on), the forward pass and the loss.", theme.dim)
            if let name = first?.1 {
                labelled("computes", NodeExplanations.explain(name), theme.text)
            }
            return out
        }
        headed("ran: ", describe(cursor.ran, cursor.ranName), theme.ranNode, suffix: "   node \(cursor.stepsRun)/\(cursor.totalNodes)")
        if cursor.isActive, cursor.nextName != nil {
            headed("next: ", describe(cursor.next, cursor.nextName), theme.nextNode)
        } else {
            // The trainer takes the optimizer step as soon as the pass's last node has run.
            headed("next: ", "— pass complete, every .grad is ready; optimizer.step() ran next", theme.good)
        }
        if let name = cursor.ranName {
            labelled("computes", NodeExplanations.explain(name), theme.text)
        }
        if let g = cursor.gradIn {
            labelledPieces("received", summary(g), theme.value)
            labelledPieces("", values(g), theme.dim, separator: " ")
        } else if cursor.ranName != nil {
            labelled("received", "no gradient", theme.dim)
        }
        let edges = cursor.ran.flatMap { graph?.node($0)?.next } ?? []
        if cursor.gradsOut.isEmpty {
            if let id = cursor.ran, let p = graph?.node(id)?.parameter {
                labelled("passed on", "nothing: a leaf. The gradient went into \(p).grad", theme.dim)
            }
        }
        for (i, grad) in cursor.gradsOut.enumerated() {
            let target = i < edges.count ? describe(edges[i], graph?.node(edges[i])?.name) : "input \(i)"
            let pieces = ["→ " + target] + (grad.map { [Format.shape($0.shape), "norm " + Format.significant($0.norm, 3)] } ?? ["no gradient"])
            labelledPieces(i == 0 ? "passed on" : "", pieces, grad == nil ? theme.dim : theme.text)
        }
        let have = cursor.parametersWithGrad
        let total = parameters.isEmpty ? "" : "/\(parameters.count)"
        labelled(".grad", "\(have.count)\(total) parameters: " + (have.isEmpty ? "none yet" : have.joined(separator: " ")), theme.good)
        return out
    }

    func summary(_ g: GradientSummary) -> [String] {
        [Format.shape(g.shape), "norm " + Format.significant(g.norm, 3), "min " + Format.significant(g.min, 3), "max " + Format.significant(g.max, 3)]
    }

    /// The first values, as PyTorch prints a tensor's start: "[-0.0213, 0.0344, …]".
    func values(_ g: GradientSummary) -> [String] {
        let shown = g.firstValues.prefix(6).map { Format.significant($0, 3) }
        guard !shown.isEmpty else { return [] }
        let count = g.shape.reduce(1, *)
        var pieces = shown.enumerated().map { i, v in (i == 0 ? "[" : "") + v + "," }
        if count > shown.count {
            pieces.append("…]")
        } else {
            pieces[pieces.count - 1].removeLast()
            pieces[pieces.count - 1] += "]"
        }
        return pieces
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        var all = lines(width: area.width, theme: theme)
        // Lines that scroll leave the last column to the ↑ ↓ markers, so no text hides under them.
        if all.count > area.height, area.width > 2 {
            all = lines(width: area.width - 1, theme: theme)
        }
        let maxScroll = max(0, all.count - area.height)
        let start = min(max(0, scroll), maxScroll)
        for (i, line) in all[start...].prefix(area.height).enumerated() {
            var x = area.x
            for span in line {
                x = buffer.put(span.text, x: x, y: area.y + i, style: span.style, clip: area)
            }
        }
        if start < maxScroll, area.width > 2 {
            buffer.put("↓", x: area.maxX - 1, y: area.maxY - 1, style: theme.dim, clip: area)
        }
        if start > 0, area.width > 2 {
            buffer.put("↑", x: area.maxX - 1, y: area.y, style: theme.dim, clip: area)
        }
    }

    /// How many lines there are to scroll through at `width`.
    func lineCount(width: Int, height: Int, theme: Theme) -> Int {
        let count = lines(width: width, theme: theme).count
        return count > height && width > 2 ? lines(width: width - 1, theme: theme).count : count
    }
}
