import Trainer

/// Page 2, Model (worksheet b): `print(net)` exactly as PyTorch prints it, with each module's
/// parameters listed under its line (dotted name, shape, numel, dtype, device, requires_grad and
/// whether .grad is None), and the total `sum(p.numel() for p in net.parameters())`.
public struct ModelPage: Widget, Sendable {
    public var record: ModelRecord?
    public var scroll: Int

    public init(record: ModelRecord?, scroll: Int = 0) {
        self.record = record
        self.scroll = scroll
    }

    /// One screen line: a piece of print(net), or a parameter's attributes.
    enum Row {
        case text(String)
        case parameter(ParameterRecord)
    }

    func rows(width: Int) -> [Row] {
        guard let record else { return [] }
        var rows: [Row] = []
        for line in record.lines {
            // A line longer than the screen continues on the next, indented under its text.
            let indent = line.text.prefix { $0 == " " }.count + 4
            var rest = Substring(line.text)
            var first = true
            while !rest.isEmpty {
                let room = max(10, first ? width : width - indent)
                rows.append(.text((first ? "" : String(repeating: " ", count: indent)) + rest.prefix(room)))
                rest = rest.dropFirst(room)
                first = false
            }
            if let module = line.module {
                for p in record.parameters where p.module == module { rows.append(.parameter(p)) }
            }
        }
        return rows
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        guard let record else {
            buffer.put("no model yet", x: area.x + 1, y: area.y, style: theme.dim, clip: area)
            return
        }
        let inner = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: area.height)
        let wide = inner.width >= 100
        let all = rows(width: inner.width)
        var body = Rect(x: inner.x, y: inner.y, width: inner.width, height: max(0, inner.height - 1))
        if !wide {
            // Column heads over the parameters' attributes.
            let nameWidth = record.parameters.map(\.name.count).max() ?? 0
            let shapeWidth = record.parameters.map { Format.shape($0.shape).count }.max() ?? 0
            let numelWidth = record.parameters.map { Format.grouped($0.numel).count }.max() ?? 0
            let dtypeWidth = record.parameters.map { $0.dtype.replacingPrefix("torch.").count }.max() ?? 0
            let deviceWidth = max(6, record.parameters.map(\.device.count).max() ?? 0)
            let head = Format.padRight("", 4) + Format.padRight("name", nameWidth) + " " + Format.padRight("shape", shapeWidth) + " "
                + Format.padLeft("numel", numelWidth) + " " + Format.padRight("dtype", dtypeWidth) + " "
                + Format.padRight("device", deviceWidth) + " requires_grad .grad"
            buffer.put(head, x: body.x, y: body.y, style: theme.label, clip: body)
            body = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
        }
        let start = min(max(0, scroll), max(0, all.count - body.height))
        let nameWidth = record.parameters.map(\.name.count).max() ?? 0
        let shapeWidth = record.parameters.map { Format.shape($0.shape).count }.max() ?? 0
        let numelWidth = record.parameters.map { Format.grouped($0.numel).count }.max() ?? 0
        let dtypeWidth = record.parameters.map { (wide ? $0.dtype : $0.dtype.replacingPrefix("torch.")).count }.max() ?? 0
        let deviceWidth = max(6, record.parameters.map(\.device.count).max() ?? 0)
        for (i, row) in all[start...].prefix(body.height).enumerated() {
            let y = body.y + i
            switch row {
            case .text(let text):
                buffer.put(text, x: body.x, y: y, style: theme.text, clip: body)
            case .parameter(let p):
                let indent = (record.lines.first { $0.module == p.module }?.text.prefix { $0 == " " }.count ?? 0) + 2
                var x = body.x + indent
                x = buffer.put(Format.padRight(p.name, nameWidth), x: x, y: y, style: theme.module, clip: body) + 1
                x = buffer.put(Format.padRight(Format.shape(p.shape), shapeWidth), x: x, y: y, style: theme.shape, clip: body) + 1
                x = buffer.put(Format.padLeft(Format.grouped(p.numel), numelWidth), x: x, y: y, style: theme.value, clip: body) + 1
                x = buffer.put(Format.padRight(wide ? p.dtype : p.dtype.replacingPrefix("torch."), dtypeWidth), x: x, y: y,
                               style: theme.text, clip: body) + 1
                x = buffer.put(Format.padRight(p.device, deviceWidth), x: x, y: y, style: theme.text, clip: body) + 1
                // Narrow: `requires_grad`, `.grad` as column heads over True / None.
                let requires = (wide ? "requires_grad=" : "") + (p.requiresGrad ? "True" : "False")
                x = buffer.put(wide ? requires : Format.padRight(requires, 13), x: x, y: y,
                               style: p.requiresGrad ? theme.text : theme.warning, clip: body) + 1
                let grad = (wide ? "grad=" : "") + (p.hasGrad ? "Tensor" : "None")
                buffer.put(grad, x: x, y: y, style: p.hasGrad ? theme.good : theme.dim, clip: body)
            }
        }
        let footerY = inner.maxY - 1
        var x = buffer.put(Format.grouped(record.total) + " parameters", x: inner.x, y: footerY, style: theme.value, clip: inner)
        let withGrad = record.parameters.filter(\.hasGrad).count
        let more = all.count > body.height ? "  ↑↓ scroll" : ""
        x = buffer.put("  in \(record.parameters.count) tensors · \(withGrad) with .grad" + more,
                       x: x, y: footerY, style: theme.dim, clip: inner)
    }
}

extension String {
    func replacingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
