import Trainer

/// Drawing one frame: a pure function of the snapshot, the UI state and the size.
public enum TUIApp {
    /// The frame as text lines (trailing blanks trimmed), without a terminal: for tests and
    /// the README's screen capture.
    public static func renderFrame(snapshot: TrainingSnapshot, state: AppState, width: Int, height: Int, ascii: Bool = false) -> [String] {
        render(snapshot: snapshot, state: state, width: width, height: height, theme: Theme(colors: false, ascii: ascii)).lines()
    }

    /// The frame as cells, ready for a Screen.
    public static func render(snapshot: TrainingSnapshot, state: AppState, width: Int, height: Int, theme: Theme) -> ScreenBuffer {
        if let lessons = state.lessons {
            return ChapterView.render(lessons, width: width, height: height, theme: theme)
        }
        var buffer = ScreenBuffer(width: width, height: height, ascii: theme.symbols == .ascii)
        let layout = Layout(width: width, height: height)
        if layout.isTooSmall {
            TooSmall(width: width, height: height).render(in: buffer.area, buffer: &buffer, theme: theme)
            return buffer
        }
        StatusBar(snapshot: snapshot).render(in: layout.status, buffer: &buffer, theme: theme)
        Caption(page: state.page).render(in: layout.caption, buffer: &buffer, theme: theme)
        if state.page == .train {
            renderTrainPage(snapshot: snapshot, state: state, layout: layout, buffer: &buffer, theme: theme)
        } else {
            renderPage(state.page, snapshot: snapshot, state: state, in: layout.page, buffer: &buffer, theme: theme)
        }
        Footer(snapshot: snapshot, page: state.page).render(in: layout.footer, buffer: &buffer, theme: theme)
        if state.showHelp {
            // Over the page, leaving the status bar and the key line in view.
            let area = Rect(x: 0, y: layout.caption.y, width: width, height: layout.footer.y - layout.caption.y)
            Help(page: state.helpShowsKeysOnly ? nil : state.page).render(in: area, buffer: &buffer, theme: theme)
        }
        return buffer
    }

    /// The four panels: loss, gradient norms, graph, backward step (and DataParallel's panel).
    static func renderTrainPage(snapshot: TrainingSnapshot, state: AppState, layout: Layout, buffer: inout ScreenBuffer,
                                theme: Theme) {
        // Data parallelism takes the lower part of the loss panel's place (at most half of it).
        var lossArea = layout.loss
        if let record = snapshot.parallel {
            let panel = ParallelPanel(record: record)
            let height = min(panel.preferredHeight + 2, lossArea.height / 2)
            let (upper, lower) = lossArea.splitTop(lossArea.height - height)
            lossArea = upper
            let inner = Block(title: panel.title, badge: panel.badge).draw(in: lower, buffer: &buffer, theme: theme)
            panel.render(in: inner, buffer: &buffer, theme: theme)
        }
        let scaleBadge = (state.lossScale == .log ? "log" : "linear") + (state.lossWindow.map { " · last \($0)" } ?? "")
        let lossInner = Block(title: Panel.loss.title, badge: scaleBadge, focused: state.focus == .loss)
            .draw(in: lossArea, buffer: &buffer, theme: theme)
        LossChart(losses: snapshot.losses, accuracies: snapshot.accuracies, scale: state.lossScale, window: state.lossWindow)
            .render(in: lossInner, buffer: &buffer, theme: theme)

        let withGrad = snapshot.parameters.filter { $0.gradNorm != nil }.count
        let accumulating = !snapshot.zeroGradEnabled && snapshot.accumulated > 1
        let norms = GradNorms(parameters: snapshot.parameters, baseline: state.gradientBaseline, zeroGradEnabled: snapshot.zeroGradEnabled,
                              accumulated: snapshot.accumulated, selected: state.focus == .gradients ? state.gradientSelection : nil)
        let gradBlock = Block(title: Panel.gradients.title, focused: state.focus == .gradients, badgeStyle: accumulating ? .alert : .normal)
        // With no row under the bars for the scale's labels, the border says the scale.
        let scaleShown = norms.showsScale(in: gradBlock.inner(layout.gradients))
        var gradBadge = gradBlock
        gradBadge.badge = accumulating ? "Σ of \(snapshot.accumulated) passes"
            : scaleShown || withGrad == 0 ? "\(withGrad)/\(snapshot.parameters.count) with .grad"
            : "log scale " + norms.scale.text
        let gradInner = gradBadge.draw(in: layout.gradients, buffer: &buffer, theme: theme)
        norms.render(in: gradInner, buffer: &buffer, theme: theme)

        let rows = state.graphRows(snapshot)
        let nodeCount = snapshot.graph?.nodes.count ?? 0
        let graphInner = Block(title: Panel.graph.title + " (last iteration)", badge: nodeCount > 0 ? "\(nodeCount) nodes" : "", focused: state.focus == .graph)
            .draw(in: layout.graph, buffer: &buffer, theme: theme)
        GraphView(graph: snapshot.graph, cursor: snapshot.cursor, rows: rows, selectedRow: state.selectedGraphRow(rows, snapshot), focused: state.focus == .graph)
            .render(in: graphInner, buffer: &buffer, theme: theme)

        // A node chosen in the graph (arrows, with the graph focused) is shown instead of the stepper's.
        if let id = state.graphSelection, state.focus == .graph, let node = snapshot.graph?.node(id) {
            let inner = Block(title: "Node " + node.name, badge: "esc: back to the stepper", focused: false)
                .draw(in: layout.backward, buffer: &buffer, theme: theme)
            NodeInspector(node: node, record: snapshot.pages.nodes[safe: id] ?? nil, graph: snapshot.graph)
                .render(in: inner, buffer: &buffer, theme: theme)
            return
        }
        let backwardInner = Block(title: Panel.backward.title, badge: "b: one node", focused: state.focus == .backward)
            .draw(in: layout.backward, buffer: &buffer, theme: theme)
        BackwardPanel(graph: snapshot.graph, cursor: snapshot.cursor, parameters: snapshot.parameters.map(\.name), scroll: state.backwardScroll)
            .render(in: backwardInner, buffer: &buffer, theme: theme)
    }

    /// Pages 2-6 fill the area between the caption and the footer.
    static func renderPage(_ page: Page, snapshot: TrainingSnapshot, state: AppState, in area: Rect,
                           buffer: inout ScreenBuffer, theme: Theme) {
        switch page {
        case .train:
            break
        case .model:
            ModelPage(record: snapshot.pages.model, scroll: state.pageScroll).render(in: area, buffer: &buffer, theme: theme)
        case .forward:
            ForwardPage(record: snapshot.pages.forward, evaluation: snapshot.pages.evaluationForward, scroll: state.pageScroll)
                .render(in: area, buffer: &buffer, theme: theme)
        case .optimizer:
            OptimizerPage(record: snapshot.pages.optimizer, selected: state.optimizerSelection)
                .render(in: area, buffer: &buffer, theme: theme)
        case .data:
            DataPage(record: snapshot.pages.data, confusion: snapshot.pages.confusion, scroll: state.pageScroll)
                .render(in: area, buffer: &buffer, theme: theme)
        case .distributions:
            DistributionsPanel(history: snapshot.distributions, selected: state.optimizerSelection)
                .render(in: area, buffer: &buffer, theme: theme)
        }
    }
}
