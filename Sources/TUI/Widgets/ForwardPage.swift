import Trainer

/// Page 3, Forward (worksheet c, d): the last training batch going through the net, one row per
/// module call or function, with the shape it took in and handed on (the flatten between the
/// convolutions and the Linear layers highlighted), its output's mean, std and share of zeros,
/// the forward hooks in the order they fired, and whether grad mode was on.
public struct ForwardPage: Widget, Sendable {
    public var record: ForwardRecord?
    public var evaluation: ForwardRecord?
    public var scroll: Int

    public init(record: ForwardRecord?, evaluation: ForwardRecord?, scroll: Int = 0) {
        self.record = record
        self.evaluation = evaluation
        self.scroll = scroll
    }

    static func label(_ call: ForwardCall) -> String {
        switch call.kind {
        case .module: return (call.name.isEmpty ? "net" : call.name) + " (" + call.typeName + ")"
        case .function: return call.typeName
        }
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let inner = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: area.height)
        guard let record else {
            buffer.put("waiting for the next training step's forward (press n when paused)", x: inner.x, y: inner.y,
                       style: theme.dim, clip: inner)
            return
        }
        let wide = inner.width >= 110
        let calls = record.calls
        let labelWidth = max(6, calls.map { ForwardPage.label($0).count }.max() ?? 0)
        let inWidth = calls.map { Format.shape($0.inputShape).count }.max() ?? 0
        let outWidth = calls.map { Format.shape($0.outputShape).count }.max() ?? 0
        let gradFnWidth = max(7, calls.map { ($0.gradFn ?? "None").count }.max() ?? 0)

        var y = inner.y
        var x = inner.x
        // Header.
        let header = " # " + Format.padRight("call", labelWidth) + " " + Format.padRight("input", inWidth) + "   "
            + Format.padRight("output", outWidth) + Format.padLeft("mean", 9) + " " + Format.padLeft("std", 7)
            + " " + Format.padLeft("zeros", 6) + (wide ? "  " + "grad_fn" : "")
        buffer.put(header, x: x, y: y, style: theme.title, clip: inner)
        y += 1
        let tableRows = max(0, inner.height - 5)
        let start = min(max(0, scroll), max(0, calls.count - tableRows))
        for call in calls[start...].prefix(tableRows) {
            x = inner.x
            let isRoot = call.kind == .module && call.name.isEmpty
            let rowStyle = call.isFlatten ? theme.warning : (call.kind == .function ? theme.dim : theme.text)
            x = buffer.put(Format.padLeft(call.hookOrder.map(String.init) ?? "-", 2) + " ", x: x, y: y,
                           style: call.hookOrder == nil ? theme.dim : theme.key, clip: inner)
            x = buffer.put(Format.padRight(ForwardPage.label(call), labelWidth), x: x, y: y,
                           style: call.kind == .module ? (isRoot ? theme.title : theme.module) : rowStyle, clip: inner) + 1
            x = buffer.put(Format.padRight(Format.shape(call.inputShape), inWidth), x: x, y: y, style: theme.shape, clip: inner)
            x = buffer.put(" → ", x: x, y: y, style: rowStyle, clip: inner)
            x = buffer.put(Format.padRight(Format.shape(call.outputShape), outWidth), x: x, y: y,
                           style: call.isFlatten ? theme.warning : theme.shape, clip: inner)
            // Nine columns: a small negative mean (-0.00357) still leaves a space after the shape.
            x = buffer.put(Format.padLeft(Format.significant(call.mean, 3), 9), x: x, y: y, style: theme.value, clip: inner) + 1
            x = buffer.put(Format.padLeft(Format.significant(call.std, 3), 7), x: x, y: y, style: theme.text, clip: inner) + 1
            let zeros = call.zeroFraction > 0 ? Format.percent(call.zeroFraction) : "0"
            x = buffer.put(Format.padLeft(zeros, 6), x: x, y: y, style: call.typeName == "F.relu" ? theme.value : theme.dim, clip: inner)
            if wide {
                x = buffer.put("  " + Format.padRight(call.gradFn ?? "None", gradFnWidth), x: x, y: y, style: theme.dim, clip: inner)
            }
            y += 1
        }
        if let flatten = calls.first(where: \.isFlatten), y < inner.maxY - 4 {
            let per = flatten.inputShape.dropFirst().map(String.init).joined(separator: "⋅")
            let line = "torch.flatten(x, 1): conv → linear, \(Format.shape(flatten.inputShape)) → "
                + "\(Format.shape(flatten.outputShape)), \(per) = \(flatten.outputShape.last ?? 0)"
            for piece in Format.wrap(line, inner.width).prefix(1) {
                y += 1
                buffer.put(piece, x: inner.x, y: y, style: theme.warning, clip: inner)
            }
            y += 1
        }
        y = max(y + 1, inner.maxY - 3)
        // The hooks, in firing order.
        let hooks = record.hooks.map { $0.name.isEmpty ? "net" : $0.name }
        let hookLine = "\(hooks.count) forward hooks fired: " + hooks.joined(separator: " → ")
        buffer.put(hookLine, x: inner.x, y: y, style: theme.text, clip: inner)
        y += 1
        // Grad mode: this pass, and the last evaluation's.
        let mode = "step \(record.step): net." + (record.training ? "train()" : "eval()") + ", grad "
            + (record.gradEnabled ? "enabled: outputs have a grad_fn, backward can run" : "disabled")
        buffer.put(mode, x: inner.x, y: y, style: record.gradEnabled ? theme.good : theme.warning, clip: inner)
        y += 1
        if let evaluation {
            let out = evaluation.calls.last
            let eval = "test at step \(evaluation.step): net." + (evaluation.training ? "train()" : "eval()")
                + (evaluation.gradEnabled ? ", grad enabled" : " + torch.no_grad(): no grad_fn, no graph")
                + (wide ? (out.map { ", " + Format.shape($0.inputShape) + " → " + Format.shape($0.outputShape) } ?? "") : "")
            buffer.put(eval, x: inner.x, y: y, style: theme.dim, clip: inner)
        } else {
            buffer.put("evaluation (net.eval(), torch.no_grad()) runs every --eval-every steps and at each epoch's end",
                       x: inner.x, y: y, style: theme.dim, clip: inner)
        }
    }
}
