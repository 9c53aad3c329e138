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

        let scaleBadge = (state.lossScale == .log ? "log" : "linear") + (state.lossWindow.map { " · last \($0)" } ?? "")
        let lossInner = Block(title: Panel.loss.title, badge: scaleBadge, focused: state.focus == .loss)
            .draw(in: layout.loss, buffer: &buffer, theme: theme)
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

        let backwardInner = Block(title: Panel.backward.title, badge: "b: one node", focused: state.focus == .backward)
            .draw(in: layout.backward, buffer: &buffer, theme: theme)
        BackwardPanel(graph: snapshot.graph, cursor: snapshot.cursor, parameters: snapshot.parameters.map(\.name), scroll: state.backwardScroll)
            .render(in: backwardInner, buffer: &buffer, theme: theme)

        Footer(snapshot: snapshot).render(in: layout.footer, buffer: &buffer, theme: theme)
        if state.showHelp {
            // Between the status bar and the footer, which stay readable under it.
            Help().render(in: Rect(x: 0, y: 1, width: width, height: max(0, height - 2)), buffer: &buffer, theme: theme)
        }
        return buffer
    }
}
