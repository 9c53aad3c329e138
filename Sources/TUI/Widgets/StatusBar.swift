import Trainer

/// The top line: what is being trained and where training stands. The words the screen
/// contract names (`running`/`paused`, `step N`, `zero_grad: on/off`, `accumulated: K`) always
/// survive; on a narrow terminal the descriptive parts go first, lowest priority first.
public struct StatusBar: Widget, Sendable {
    public var snapshot: TrainingSnapshot

    public init(snapshot: TrainingSnapshot) {
        self.snapshot = snapshot
    }

    struct Segment {
        var text: String
        var style: Style
        /// Higher survives longer; `Int.max` is never dropped.
        var priority: Int
    }

    func segments(theme: Theme) -> [Segment] {
        let s = snapshot
        let base = theme.statusBar
        var out: [Segment] = []
        out.append(Segment(text: "blitz-tui", style: base.adding(.bold), priority: 1))
        let what = [s.model, s.dataset, s.device].filter { !$0.isEmpty }.joined(separator: " · ")
        if !what.isEmpty {
            out.append(Segment(text: what, style: base, priority: 5))
        }
        out.append(Segment(text: "epoch \(s.epoch)", style: base, priority: 2))
        out.append(Segment(text: "step \(s.step)", style: base.adding(.bold), priority: Int.max))
        out.append(Segment(text: "speed " + s.pacing.speed.description, style: base, priority: 8))
        // What training achieves, only while it runs (paused, there is no rate to show).
        if s.isRunning && s.stepsPerSecond > 0 {
            out.append(Segment(text: Format.significant(s.stepsPerSecond, 3) + " steps/s", style: base, priority: 3))
        }
        let optimizer = s.optimizer.isEmpty ? "" : " " + s.optimizer
        out.append(Segment(text: "lr " + Format.trimmed(s.learningRate, 3) + optimizer, style: base, priority: 6))
        out.append(Segment(text: s.isRunning ? "running" : "paused",
                           style: s.isRunning ? theme.running : theme.paused, priority: Int.max))
        if s.diverged {
            out.append(Segment(text: "diverged", style: theme.bad, priority: Int.max - 1))
        } else if s.isFinished {
            out.append(Segment(text: "finished", style: base.adding(.bold), priority: 7))
        }
        if s.zeroGradEnabled {
            out.append(Segment(text: "zero_grad: on", style: base, priority: Int.max))
        } else {
            out.append(Segment(text: "zero_grad: off  accumulated: \(s.accumulated)", style: theme.zeroGradOff, priority: Int.max))
        }
        return out
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let line = area.row(0)
        buffer.fill(line, style: theme.statusBar)
        var kept = segments(theme: theme)
        let separator = theme.symbols.separator
        func width(_ segments: [Segment]) -> Int {
            segments.reduce(0) { $0 + TextFold.width($1.text, ascii: buffer.ascii) } + max(0, segments.count - 1) * separator.count + 2
        }
        while width(kept) > line.width, let drop = kept.indices.filter({ kept[$0].priority != Int.max }).min(by: { kept[$0].priority < kept[$1].priority }) {
            kept.remove(at: drop)
        }
        var x = line.x + 1
        for (i, segment) in kept.enumerated() {
            if i > 0 {
                x = buffer.put(separator, x: x, y: line.y, style: theme.statusBar, clip: line)
            }
            x = buffer.put(segment.text, x: x, y: line.y, style: segment.style, clip: line)
        }
    }
}
