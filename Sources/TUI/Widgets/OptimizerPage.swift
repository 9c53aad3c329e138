#if canImport(Glibc)
import Glibc
#endif
import Trainer

/// Page 4, Optimizer (worksheet g): which parameters the optimizer holds (`x` takes the
/// selected one out and puts it back), and the last `optimizer.step()` on the selected one,
/// written out element by element as PyTorch computes it, with the engine's numbers.
public struct OptimizerPage: Widget, Sendable {
    public var record: OptimizerRecord?
    public var selected: Int

    public init(record: OptimizerRecord?, selected: Int) {
        self.record = record
        self.selected = selected
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let inner = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: area.height)
        guard let record else {
            buffer.put("waiting for the trainer", x: inner.x, y: inner.y, style: theme.dim, clip: inner)
            return
        }
        // print(optimizer)'s settings on one line.
        let settings = record.settings.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
        buffer.put(record.name + " (" + settings + ")", x: inner.x, y: inner.y, style: theme.title, clip: inner)
        let held = record.parameters.filter(\.held).count
        buffer.put("param_groups[0]['params'] holds \(held) of \(record.parameters.count) parameters (x takes one out / back)",
                   x: inner.x, y: inner.y + 1, style: held < record.parameters.count ? theme.warning : theme.dim, clip: inner)

        let nameWidth = record.parameters.map(\.name.count).max() ?? 0
        let listWidth = min(inner.width / 2, nameWidth + 13)
        let (list, rest) = Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: inner.height - 2).splitLeft(listWidth)
        renderList(record, in: list, nameWidth: nameWidth, buffer: &buffer, theme: theme)
        let right = Rect(x: rest.x + 2, y: rest.y, width: rest.width - 2, height: rest.height)
        var lines: [(String, Style)] = []
        if let update = record.update, update.parameter == record.parameters[safe: selected]?.name {
            lines = OptimizerPage.arithmetic(update, theme: theme)
        } else if let name = record.parameters[safe: selected]?.name {
            lines = [("\(name): waiting for the next optimizer.step()", theme.dim),
                     ("(press n for one training step when paused)", theme.dim)]
        }
        var y = right.y
        for (text, style) in lines {
            // Continuation lines keep the formula's indentation.
            let indent = String(repeating: " ", count: text.prefix { $0 == " " }.count + 4)
            let pieces = TextFold.width(text, ascii: buffer.ascii) <= right.width ? [text]
                : Format.wrap(text, right.width - indent.count).enumerated().map { $0 == 0 ? $1 : indent + $1 }
            for piece in pieces {
                guard y < right.maxY else { break }
                buffer.put(piece, x: right.x, y: y, style: style, clip: right)
                y += 1
            }
        }
    }

    private func renderList(_ record: OptimizerRecord, in list: Rect, nameWidth: Int, buffer: inout ScreenBuffer, theme: Theme) {
        buffer.put(Format.padRight("  parameter", nameWidth + 2) + Format.padLeft("‖grad‖", 10),
                   x: list.x, y: list.y, style: theme.label, clip: list)
        let body = Rect(x: list.x, y: list.y + 1, width: list.width, height: list.height - 1)
        let window = ScrollWindow(count: record.parameters.count, visible: body.height, selected: selected)
        for (row, i) in window.range.enumerated() {
            let p = record.parameters[i]
            let y = body.y + row
            var x = buffer.put(p.held ? "✓ " : "× ", x: body.x, y: y, style: p.held ? theme.good : theme.bad, clip: body)
            x = buffer.put(Format.padRight(p.name, nameWidth), x: x, y: y, style: p.held ? theme.module : theme.dim, clip: body)
            buffer.put(" " + Format.padLeft(p.gradNorm.map { Format.significant($0, 3) } ?? "None", 9), x: x, y: y,
                       style: theme.dim, clip: body)
            if i == selected { buffer.addAttributes(body.row(row), .reverse) }
        }
    }

    /// `v` for a formula: negative values in parentheses so `0.9⋅(-0.0012)` reads right.
    static func term(_ v: Double, _ digits: Int = 4) -> String {
        let s = Format.significant(v, digits)
        return v < 0 ? "(" + s + ")" : s
    }

    static func number(_ v: Double) -> String { Format.trimmed(v, 6) }

    /// The step written out: the rule once, then each element with its numbers.
    public static func arithmetic(_ u: ParameterUpdate, theme: Theme) -> [(String, Style)] {
        var out: [(String, Style)] = []
        out.append(("optimizer.step() at step \(u.step) on \(u.parameter) \(Format.shape(u.shape))", theme.title))
        guard u.held else {
            out.append(("not in the optimizer: step() left it alone, p' = p", theme.bad))
            if let g = u.gradNorm {
                out.append(("yet backward still filled its .grad: ‖grad‖ = \(Format.significant(g, 3))", theme.warning))
                out.append(("and optimizer.zero_grad() no longer clears it, so it keeps adding up", theme.dim))
            }
            out += u.elements.map { ("[\($0.index)] p = \(Format.significant($0.before, 7)) → p' = \(Format.significant($0.after, 7))", theme.text) }
            out.append(("‖Δp‖ = \(Format.significant(u.updateNorm, 3))   ‖p‖ = \(Format.significant(u.weightNorm, 4))", theme.value))
            return out
        }
        guard let gradNorm = u.gradNorm else {
            out.append(("p.grad is None: step() skipped this parameter", theme.warning))
            return out
        }
        switch u.rule {
        case let .sgd(lr, momentum, dampening, weightDecay, nesterov, firstStep):
            let g = weightDecay != 0 ? "g" : "grad"
            if weightDecay != 0 { out.append(("g = grad + weight_decay⋅p", theme.label)) }
            if momentum == 0 {
                out.append(("p' = p − lr⋅\(g)", theme.label))
            } else {
                let damp = dampening != 0 ? "(1 − dampening)⋅" : ""
                out.append((firstStep ? "buf = \(g) (first step: the buffer starts as the gradient)"
                            : "buf = momentum⋅buf + \(damp)\(g)", theme.label))
                out.append((nesterov ? "p' = p − lr⋅(\(g) + momentum⋅buf)" : "p' = p − lr⋅buf", theme.label))
            }
            for e in u.elements {
                guard let grad = e.grad else { continue }
                let gv = grad + weightDecay * e.before
                if weightDecay != 0 {
                    out.append(("[\(e.index)] g = \(term(grad)) + \(number(weightDecay))⋅\(term(e.before)) = \(Format.significant(gv, 4))", theme.text))
                }
                let lead = weightDecay != 0 ? "    " : "[\(e.index)] "
                var step = gv
                if momentum != 0, let buf = e.firstAfter {
                    if firstStep {
                        out.append((lead + "buf = \(Format.significant(buf, 4))", theme.text))
                    } else if let old = e.firstBefore {
                        let damp = dampening != 0 ? number(1 - dampening) + "⋅" : ""
                        out.append((lead + "buf = \(number(momentum))⋅\(term(old)) + \(damp)\(term(gv)) = \(Format.significant(buf, 4))", theme.text))
                    }
                    step = nesterov ? gv + momentum * buf : buf
                }
                out.append(("    p' = \(Format.significant(e.before, 7)) − \(number(lr))⋅\(term(step)) = \(Format.significant(e.after, 7))",
                            theme.value))
            }
        case let .adam(lr, beta1, beta2, eps, weightDecay, decoupled, t):
            if weightDecay != 0 {
                out.append((decoupled ? "p = p⋅(1 − lr⋅weight_decay)   (AdamW: decay on the weight)"
                            : "g = grad + weight_decay⋅p   (Adam: decay in the gradient)", theme.label))
            }
            out.append(("m = β1⋅m + (1 − β1)⋅g     v = β2⋅v + (1 − β2)⋅g²", theme.label))
            out.append(("m_hat = m/(1 − β1^t)  v_hat = v/(1 − β2^t)  p' = p − lr⋅m_hat/(√v_hat + eps)   t = \(t)", theme.label))
            let c1 = 1 - pow(beta1, t)
            let c2 = 1 - pow(beta2, t)
            for e in u.elements {
                guard let grad = e.grad, let m = e.firstAfter, let v = e.secondAfter else { continue }
                let g = decoupled ? grad : grad + weightDecay * e.before
                let m0 = e.firstBefore ?? 0
                let v0 = e.secondBefore ?? 0
                out.append(("[\(e.index)] m = \(number(beta1))⋅\(term(m0)) + \(number(1 - beta1))⋅\(term(g)) = \(Format.significant(m, 4))", theme.text))
                out.append(("    v = \(number(beta2))⋅\(term(v0)) + \(number(1 - beta2))⋅\(term(g))² = \(Format.significant(v, 4))", theme.text))
                let mHat = m / c1
                let vHat = v / c2
                out.append(("    m_hat = \(Format.significant(mHat, 4))  v_hat = \(Format.significant(vHat, 4))  lr⋅m_hat/(√v_hat+eps) = "
                            + Format.significant(lr * mHat / (vHat.squareRoot() + eps), 4), theme.text))
                out.append(("    p' = \(Format.significant(e.before, 7)) → \(Format.significant(e.after, 7))", theme.value))
            }
            _ = eps
        }
        let ratio = u.weightNorm > 0 ? u.updateNorm / u.weightNorm : 0
        out.append(("‖grad‖ = \(Format.significant(gradNorm, 3))  ‖Δp‖ = \(Format.significant(u.updateNorm, 3))  ‖p‖ = \(Format.significant(u.weightNorm, 4))  ‖Δp‖/‖p‖ = \(Format.significant(ratio, 3))", theme.value))
        return out
    }
}


private func pow(_ base: Double, _ exponent: Int) -> Double {
    Glibc.pow(base, Double(exponent))
}
