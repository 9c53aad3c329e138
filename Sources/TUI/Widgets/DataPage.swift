import Trainer

/// Page 5, Data (worksheet h): the data set and what the DataLoader makes of it (batch size,
/// batches per epoch, the short last batch), the order this epoch visits the samples in beside
/// the previous epoch's, the current batch's images with label and prediction, and the last
/// evaluation's per-class accuracy and confusion matrix.
public struct DataPage: Widget, Sendable {
    public var record: DataRecord?
    public var confusion: ConfusionMatrix?
    public var scroll: Int

    public init(record: DataRecord?, confusion: ConfusionMatrix?, scroll: Int = 0) {
        self.record = record
        self.confusion = confusion
        self.scroll = scroll
    }

    /// Grey levels from black to white, one cell each.
    static let unicodeShades: [Character] = [" ", "░", "▒", "▓", "█"]
    static let asciiShades: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let inner = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: area.height)
        guard let d = record else {
            buffer.put("waiting for the next training step's batch (press n when paused)", x: inner.x, y: inner.y,
                       style: theme.dim, clip: inner)
            renderConfusion(in: Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: inner.height - 2),
                            buffer: &buffer, theme: theme)
            return
        }
        var y = inner.y
        let classes = d.classNames.count
        let full = d.trainCount / d.batchSize
        let split = d.lastBatchSize == d.batchSize ? "\(d.batchesPerEpoch) × \(d.batchSize)"
            : "\(full) × \(d.batchSize) + \(d.lastBatchSize)"
        let head = "\(d.dataset): \(Format.grouped(d.trainCount)) train, \(Format.grouped(d.testCount)) test samples of "
            + "\(Format.shape(d.sampleShape)), \(classes) classes"
        buffer.put(head, x: inner.x, y: y, style: theme.title, clip: inner)
        y += 1
        let loaderLine = "DataLoader(batch_size=\(d.batchSize), shuffle=\(d.shuffle ? "True" : "False")): len = "
            + "\(d.batchesPerEpoch) batches per epoch (\(Format.grouped(d.trainCount)) = \(split))"
        for piece in Format.wrap(loaderLine, inner.width) {
            buffer.put(piece, x: inner.x, y: y, style: theme.text, clip: inner)
            y += 1
        }
        let orderWidth = inner.width - 16
        buffer.put("epoch \(d.epoch) order", x: inner.x, y: y, style: theme.label, clip: inner)
        buffer.put(DataPage.list(d.order, width: orderWidth), x: inner.x + 16, y: y, style: theme.value, clip: inner)
        y += 1
        buffer.put(d.epoch > 1 ? "epoch \(d.epoch - 1) order" : "", x: inner.x, y: y, style: theme.label, clip: inner)
        if let previous = d.previousOrder {
            buffer.put(DataPage.list(previous, width: orderWidth), x: inner.x + 16, y: y, style: theme.dim, clip: inner)
        } else {
            buffer.put(d.shuffle ? "(the first epoch: nothing to compare with yet)" : "shuffle=False: every epoch the same order",
                       x: inner.x + 16, y: y, style: theme.dim, clip: inner)
        }
        y += 1
        if let b = d.batch {
            let batchLine = "batch \(b.number) of \(d.batchesPerEpoch): inputs torch.Size(\(Format.shape(b.shape))), "
                + "labels torch.Size([\(b.labels.count)]), indices " + DataPage.list(b.indices, width: inner.width / 2)
            for piece in Format.wrap(batchLine, inner.width) {
                buffer.put(piece, x: inner.x, y: y, style: theme.text, clip: inner)
                y += 1
            }
            let confusionRows = (confusion?.classNames.count ?? 0) + 2
            // Images shrink when the terminal is short, so the confusion matrix still fits.
            // CIFAR-10's pictures would fill a short terminal: they leave the per-class summary its 3 rows.
            let summaryRows = b.colourImages.isEmpty || confusion == nil ? 0 : 3
            let room = inner.maxY - y - 1 - (inner.height >= 30 ? confusionRows : summaryRows)
            let drawn = renderImages(b, in: Rect(x: inner.x, y: y, width: inner.width, height: max(0, room)),
                                     classNames: d.classNames, buffer: &buffer, theme: theme)
            y += drawn + 1
        }
        renderConfusion(in: Rect(x: inner.x, y: y, width: inner.width, height: inner.maxY - y), buffer: &buffer, theme: theme)
    }

    static func list(_ values: [Int], width: Int) -> String {
        var text = "["
        for (i, v) in values.enumerated() {
            let piece = (i > 0 ? ", " : "") + String(v)
            if text.count + piece.count + 5 > width {
                return text + ", …]"
            }
            text += piece
        }
        return text + "]"
    }

    /// Draws as many of the batch's images as fit side by side, each with "label → prediction"
    /// under it; returns the rows used.
    func renderImages(_ b: BatchRecord, in area: Rect, classNames: [String], buffer: inout ScreenBuffer, theme: Theme) -> Int {
        if !b.colourImages.isEmpty {
            return renderColourImages(b, in: area, classNames: classNames, buffer: &buffer, theme: theme)
        }
        guard b.imageHeight > 0, b.imageWidth > 0, area.height >= 3 else {
            if b.images.isEmpty {
                let pairs = zip(b.labels, b.predictions).prefix(12).map { "\($0)→\($1)" }.joined(separator: "  ")
                buffer.put("label→pred: " + pairs, x: area.x, y: area.y, style: theme.text, clip: area)
                return 1
            }
            return 0
        }
        return renderShades(b.images, height: b.imageHeight, width: b.imageWidth, labels: b.labels,
                            predictions: b.predictions, in: area, classNames: classNames, buffer: &buffer, theme: theme)
    }

    /// Grey planes drawn with shade characters (each cell averages cw × 2cw pixels), as many side
    /// by side as fit, labels under them; returns the rows used.
    func renderShades(_ planes: [[Float]], height: Int, width: Int, labels: [Int], predictions: [Int], in area: Rect,
                      classNames: [String], buffer: inout ScreenBuffer, theme: Theme) -> Int {
        // Each cell covers cw × ch pixels (a cell is about twice as tall as wide): the largest
        // scale at which the rows fit and up to four images fit side by side.
        let wanted = min(4, planes.count)
        var cw = 1
        func fits(_ cw: Int) -> Bool {
            let high = (height + 2 * cw - 1) / (2 * cw)
            let wide = (width + cw - 1) / cw
            let rows = DataPage.labelRows(labels, predictions, classNames: classNames, slot: max(wide, 11) + 2)
            return high <= area.height - rows && wanted * (max(wide, 11) + 2) <= area.width
        }
        while !fits(cw) && cw < max(width, height) { cw += 1 }
        let ch = 2 * cw
        let cellsHigh = (height + ch - 1) / ch
        let cellsWide = (width + cw - 1) / cw
        let slot = DataPage.slot(cellsWide, labels, predictions, classNames: classNames, width: area.width, wanted: wanted)
        let rows = DataPage.labelRows(labels, predictions, classNames: classNames, slot: slot)
        let shades = theme.symbols == .ascii ? DataPage.asciiShades : DataPage.unicodeShades
        var x = area.x
        for (i, image) in planes.enumerated() {
            guard x + cellsWide <= area.maxX else { break }
            for row in 0..<cellsHigh {
                for col in 0..<cellsWide {
                    var sum: Float = 0
                    var n: Float = 0
                    for py in (row * ch)..<min(height, (row + 1) * ch) {
                        for px in (col * cw)..<min(width, (col + 1) * cw) {
                            sum += image[py * width + px]
                            n += 1
                        }
                    }
                    let level = n > 0 ? sum / n : 0
                    let index = min(shades.count - 1, Int(level * Float(shades.count)))
                    buffer[x + col, area.y + row] = Cell(shades[index], style: theme.text)
                }
            }
            drawLabel(labels[safe: i] ?? -1, predictions[safe: i] ?? -1, classNames: classNames, rows: rows,
                      x: x, y: area.y + cellsHigh, slot: slot, in: area, buffer: &buffer, theme: theme)
            x += slot
        }
        return cellsHigh + rows
    }

    /// "label → prediction" under an image, in the right / wrong style; on two rows ("label",
    /// "→ prediction") when `rows` is 2 (long class names in a narrow slot).
    func drawLabel(_ label: Int, _ predicted: Int, classNames: [String], rows: Int, x: Int, y: Int, slot: Int, in area: Rect,
                   buffer: inout ScreenBuffer, theme: Theme) {
        let name = { (c: Int) in classNames[safe: c] ?? String(c) }
        let style = label == predicted ? theme.good : theme.bad
        if rows >= 2 {
            buffer.put(Format.truncate(name(label), slot - 1), x: x, y: y, style: style, clip: area)
            buffer.put(Format.truncate("→ " + name(predicted), slot - 1), x: x, y: y + 1, style: style, clip: area)
        } else {
            buffer.put(Format.truncate("\(name(label)) → \(name(predicted))", slot - 1), x: x, y: y, style: style, clip: area)
        }
    }

    /// 1 when every "label → prediction" fits its slot, else 2.
    static func labelRows(_ labels: [Int], _ predictions: [Int], classNames: [String], slot: Int) -> Int {
        longestLabel(labels, predictions, classNames: classNames) <= slot - 1 ? 1 : 2
    }

    static func longestLabel(_ labels: [Int], _ predictions: [Int], classNames: [String]) -> Int {
        let name = { (c: Int) in classNames[safe: c] ?? String(c) }
        return zip(labels, predictions).prefix(4).map { name($0).count + 3 + name($1).count }.max() ?? 0
    }

    /// The columns from one image to the next: the image and a gap of 2 (at least 13), widened
    /// up to an equal share of `width` where that puts a long "label → prediction" on one row.
    static func slot(_ imageWidth: Int, _ labels: [Int], _ predictions: [Int], classNames: [String], width: Int,
                     wanted: Int) -> Int {
        let longest = longestLabel(labels, predictions, classNames: classNames)
        return max(imageWidth + 2, 13, min(width / max(1, wanted), longest + 2))
    }

    func renderConfusion(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard area.height >= 1 else { return }
        guard let c = confusion else {
            buffer.put("per-class test accuracy: after the first evaluation", x: area.x, y: area.y, style: theme.dim, clip: area)
            return
        }
        let n = c.classNames.count
        let cell = max(3, String(c.counts.joined().max() ?? 0).count + 1)
        // Names longer than a column (CIFAR-10's "automobile") head the columns by class number,
        // and each row says its number before its name, instead of "a… a… b…".
        let numbered = c.classNames.contains { $0.count > cell - 1 }
        let rowName = { (k: Int) in numbered ? "\(k) \(c.classNames[k])" : c.classNames[k] }
        let nameWidth = min(numbered ? 13 : 10, (0..<n).map { rowName($0).count }.max() ?? 1)
        let fitsMatrix = area.height >= n + 2 && nameWidth + 2 + n * cell + 8 <= area.width
        if !fitsMatrix {
            // Short terminal: per-class accuracy on one or two lines.
            let parts = (0..<n).map { k in
                "\(Format.truncate(c.classNames[k], 6)) " + (c.accuracy(ofClass: k).map { Format.percent($0) } ?? "-")
            }
            let lines = Format.wrap(pieces: parts, area.width - 2)
            buffer.put("test accuracy per class at step \(c.step) (\(Format.percent(c.accuracy)) overall)",
                       x: area.x, y: area.y, style: theme.label, clip: area)
            for (i, line) in lines.prefix(area.height - 1).enumerated() {
                buffer.put(line, x: area.x, y: area.y + 1 + i, style: theme.text, clip: area)
            }
            return
        }
        let columns = numbered ? "columns predicted class (by number)" : "columns predicted"
        buffer.put("confusion matrix at step \(c.step): rows true class, \(columns) · \(Format.percent(c.accuracy)) overall",
                   x: area.x, y: area.y, style: theme.label, clip: area)
        var x = area.x + nameWidth + 2
        for k in 0..<n {
            let head = numbered ? String(k) : Format.truncate(c.classNames[k], cell - 1)
            buffer.put(Format.padLeft(head, cell), x: x, y: area.y + 1, style: theme.dim, clip: area)
            x += cell
        }
        buffer.put("  acc", x: x, y: area.y + 1, style: theme.dim, clip: area)
        let peak = max(1, c.counts.joined().max() ?? 1)
        for t in 0..<n {
            let y = area.y + 2 + t
            buffer.put(Format.padRight(Format.truncate(rowName(t), nameWidth), nameWidth), x: area.x, y: y, style: theme.label, clip: area)
            x = area.x + nameWidth + 2
            for p in 0..<n {
                let count = c.counts[t][p]
                let style = count == 0 ? theme.dim : (t == p ? theme.good : (count * 10 >= peak ? theme.bad : theme.warning))
                buffer.put(Format.padLeft(count == 0 ? "·" : String(count), cell), x: x, y: y, style: style, clip: area)
                x += cell
            }
            buffer.put(Format.padLeft(c.accuracy(ofClass: t).map { Format.percent($0) } ?? "-", 7), x: x, y: y, style: theme.value, clip: area)
        }
    }
}
