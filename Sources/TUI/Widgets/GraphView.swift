import Trainer

/// The last iteration's graph as a tree (see GraphTree), one node per row: a marker for the
/// backward stepper (▶ runs next, ● just ran, ✓ already ran in this pass), the fold marker of
/// a module group, the PyTorch node name, the owning module (or the parameter, for
/// AccumulateGrad) and the shape of the gradient the node receives.
public struct GraphView: Widget, Sendable {
    public var graph: GraphSnapshot?
    public var cursor: BackwardCursor?
    public var rows: [GraphRow]
    /// The selected row, highlighted when the panel has focus.
    public var selectedRow: Int?
    public var focused: Bool

    public init(graph: GraphSnapshot?, cursor: BackwardCursor?, rows: [GraphRow], selectedRow: Int?, focused: Bool) {
        self.graph = graph
        self.cursor = cursor
        self.rows = rows
        self.selectedRow = selectedRow
        self.focused = focused
    }

    /// Node ids that already ran in the current backward pass.
    var done: Set<Int> {
        guard let graph, let cursor else { return [] }
        return Set(graph.executionOrder.prefix(max(0, cursor.stepsRun)))
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        guard let graph, !rows.isEmpty else {
            let hint = "no graph yet: run a step (n) or a backward node (b)"
            for (i, line) in Format.wrap(hint, area.width).prefix(area.height).enumerated() {
                buffer.put(line, x: area.x, y: area.y + i, style: theme.dim, clip: area)
            }
            return
        }
        let s = theme.symbols
        let done = self.done
        let ranID = cursor?.ran
        let nextID = cursor?.isActive == false ? nil : cursor?.next
        let showModule = area.width >= 34
        let showShape = area.width >= 44
        let moduleWidth = showModule ? min(12, rows.map { moduleText($0, graph).count }.max() ?? 0) : 0
        let shapeWidth = showShape ? min(14, rows.map { shapeText($0, graph).count }.max() ?? 0) : 0
        let rightWidth = (moduleWidth > 0 ? moduleWidth + 1 : 0) + (shapeWidth > 0 ? shapeWidth + 1 : 0)
        let nameX = area.x + 4
        let nameWidth = area.maxX - nameX - rightWidth
        // Deep side branches would push names off the panel: keep at most a third for guides.
        let maxLead = max(0, nameWidth / 3)

        let window = ScrollWindow(count: rows.count, visible: area.height, selected: selectedRow)
        for (line, index) in window.range.enumerated() {
            let row = rows[index]
            let y = area.y + line
            let lineRect = Rect(x: area.x, y: y, width: area.width, height: 1)
            let ids = row.nodes
            let isReference: Bool = { if case .reference = row.kind { return true } else { return false } }()
            let isNext = !isReference && nextID.map(ids.contains) == true
            let isRan = !isReference && ranID.map(ids.contains) == true
            let isDone = !isReference && !ids.isEmpty && ids.allSatisfy(done.contains)

            var marker: Character = " "
            var markerStyle = theme.text
            if isNext {
                marker = s.nextMarker
                markerStyle = theme.warning
            } else if isRan {
                marker = s.ranMarker
                markerStyle = theme.ranNode
            } else if isDone {
                marker = s.doneMarker
                markerStyle = theme.doneNode
            }
            buffer[area.x, y] = Cell(marker, style: markerStyle)
            if case .group = row.kind {
                buffer[area.x + 2, y] = Cell(s.collapsed, style: theme.module)
            } else if row.startsGroup {
                buffer[area.x + 2, y] = Cell(s.expanded, style: theme.module)
            }

            let lead = row.lead.count > maxLead ? String(row.lead.suffix(maxLead)) : row.lead
            let nameStyle: Style = isNext ? theme.nextNode : isRan ? theme.ranNode : isDone ? theme.doneNode : isReference ? theme.dim : theme.text
            let nameRect = Rect(x: nameX, y: y, width: max(0, nameWidth - 1), height: 1)
            let x = buffer.put(lead, x: nameX, y: y, style: theme.axis, clip: nameRect)
            buffer.put(Format.truncate(nameText(row, graph), nameRect.maxX - x), x: x, y: y, style: nameStyle, clip: nameRect)

            var rx = area.maxX - rightWidth
            if moduleWidth > 0 {
                buffer.put(Format.padRight(moduleText(row, graph), moduleWidth), x: rx, y: y, style: theme.module, clip: lineRect)
                rx += moduleWidth + 1
            }
            if shapeWidth > 0 {
                buffer.put(Format.padRight(shapeText(row, graph), shapeWidth), x: rx, y: y, style: theme.shape, clip: lineRect)
            }
            if focused && index == selectedRow {
                buffer.addAttributes(lineRect, .reverse)
            }
        }
    }

    func nameText(_ row: GraphRow, _ graph: GraphSnapshot) -> String {
        switch row.kind {
        case .node(let id):
            return graph.node(id)?.name ?? "?"
        case .reference(let id):
            return "↑ " + (graph.node(id)?.name ?? "?") + " (above)"
        case .group(let module, let ids):
            return "\(module): \(ids.count) nodes"
        }
    }

    func moduleText(_ row: GraphRow, _ graph: GraphSnapshot) -> String {
        switch row.kind {
        case .node(let id), .reference(let id):
            guard let node = graph.node(id) else { return "" }
            return node.parameter ?? node.module ?? ""
        case .group(let module, _):
            return module
        }
    }

    func shapeText(_ row: GraphRow, _ graph: GraphSnapshot) -> String {
        switch row.kind {
        case .node(let id), .reference(let id):
            return graph.node(id).map { Format.shape($0.shape, compact: true) } ?? ""
        case .group:
            return ""
        }
    }
}
