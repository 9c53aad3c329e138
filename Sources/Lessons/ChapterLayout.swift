/// A chapter laid out as lines of a given width: what `learn --plain` prints and what the TUI's
/// chapter viewer draws (each line's kind tells the viewer how to style it). The viewer reveals
/// the demonstration one section at a time and the answer on a key; plain text shows it all.
public struct LessonLine: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case title, question, predict, heading, text, codeLabel, code, output
        case tableHeader, tableRow, markedRow, error, errorNote, answer, hint, blank
    }

    public var text: String
    public var kind: Kind

    public init(_ text: String, _ kind: Kind) {
        self.text = text
        self.kind = kind
    }
}

public enum ChapterLayout {
    /// The lines of `chapter` at `width` columns. `revealed` sections are shown (all when nil);
    /// the answer when `showAnswer`. A stepped table in the last revealed section shows its first
    /// `stepRows` rows (all when nil). `fold` rewrites text before it is measured (ASCII spelling).
    public static func lines(_ chapter: Chapter, width: Int, revealed: Int? = nil, showAnswer: Bool = true,
                             stepRows: Int? = nil, fold: (String) -> String = { $0 }) -> [LessonLine] {
        let width = max(20, width)
        var out: [LessonLine] = []
        func add(_ text: String, _ kind: LessonLine.Kind) { out.append(LessonLine(fold(text), kind)) }
        func wrapped(_ text: String, _ kind: LessonLine.Kind, indent: String = "", first: String = "") {
            for line in wrap(fold(text), width: width, indent: indent, first: first) { out.append(LessonLine(line, kind)) }
        }
        add("(\(chapter.id.rawValue)) \(chapter.title)", .title)
        add("", .blank)
        wrapped(chapter.question, .question, indent: "   ", first: "Q: ")
        wrapped(chapter.predict, .predict, indent: "   ", first: "?  ")
        let shown = min(revealed ?? chapter.sections.count, chapter.sections.count)
        for (index, section) in chapter.sections.prefix(shown).enumerated() {
            add("", .blank)
            add(rule("\(index + 1). \(fold(section.heading))", width: width), .heading)
            for block in section.blocks {
                add("", .blank)
                if case .table(let table) = block, let step = table.step, let rows = stepRows, index == shown - 1,
                   rows < table.rows.count {
                    // Columns as wide as the whole table's, so they stay put as rows appear.
                    tableLines(table, width: width, fold: fold, limit: rows, into: &out)
                    add("  b: the next \(step) (\(rows) of \(table.rows.count))", .hint)
                } else {
                    layout(block, width: width, fold: fold, into: &out)
                }
            }
        }
        if shown < chapter.sections.count {
            add("", .blank)
            add("space: run the next step (\(shown) of \(chapter.sections.count) shown)", .hint)
        }
        if showAnswer {
            add("", .blank)
            add(rule("Answer", width: width), .heading)
            wrapped(chapter.answer, .answer)
        } else {
            add("", .blank)
            add("a: show the answer", .hint)
        }
        return out
    }

    /// The whole chapter as text, for `learn --plain`.
    public static func plainText(_ chapter: Chapter, width: Int = 80, fold: (String) -> String = { $0 }) -> String {
        lines(chapter, width: width, fold: fold).map(\.text).joined(separator: "\n") + "\n"
    }

    private static func rule(_ title: String, width: Int) -> String {
        let head = "── " + title + " "
        return head + String(repeating: "─", count: max(0, width - head.count))
    }

    private static func layout(_ block: LessonBlock, width: Int, fold: (String) -> String, into out: inout [LessonLine]) {
        switch block {
        case .text(let text):
            for line in wrap(fold(text), width: width) { out.append(LessonLine(line, .text)) }
        case .code(let swift, let pytorch):
            code(fold(swift), fold(pytorch), width: width, into: &out)
        case .output(let text):
            for line in fold(text).split(separator: "\n", omittingEmptySubsequences: false) {
                for piece in hardWrap("  " + line, width: width) { out.append(LessonLine(piece, .output)) }
            }
        case .table(let table):
            tableLines(table, width: width, fold: fold, into: &out)
        case .error(let error):
            for line in wrap(fold(error.message), width: width, indent: "  ", first: "! ") { out.append(LessonLine(line, .error)) }
            for line in wrap(fold(error.place), width: width, indent: "      ", first: "  at: ") { out.append(LessonLine(line, .errorNote)) }
            for line in wrap(fold(error.why), width: width, indent: "       ", first: "  why: ") { out.append(LessonLine(line, .errorNote)) }
        }
    }

    /// Swift and PyTorch side by side when both fit in half the width, else one above the other.
    private static func code(_ swift: String, _ pytorch: String, width: Int, into out: inout [LessonLine]) {
        let left = swift.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let right = pytorch.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let column = (width - 5) / 2
        let fits = (left + right).allSatisfy { $0.count <= column }
        if fits {
            out.append(LessonLine("  " + pad("Swift (ran)", column) + " │ PyTorch", .codeLabel))
            for i in 0..<max(left.count, right.count) {
                let l = i < left.count ? left[i] : "", r = i < right.count ? right[i] : ""
                out.append(LessonLine("  " + pad(l, column) + " │ " + r, .code))
            }
        } else {
            out.append(LessonLine("  Swift (ran)", .codeLabel))
            for line in left { for piece in hardWrap("    " + line, width: width) { out.append(LessonLine(piece, .code)) } }
            out.append(LessonLine("  PyTorch", .codeLabel))
            for line in right { for piece in hardWrap("    " + line, width: width) { out.append(LessonLine(piece, .code)) } }
        }
    }

    private static func tableLines(_ table: LessonTable, width: Int, fold: (String) -> String, limit: Int? = nil,
                                   into out: inout [LessonLine]) {
        let headers = table.headers.map(fold)
        let rows = table.rows.map { $0.map(fold) }
        let columns = headers.count
        var widths = (0..<columns).map { c in ([headers[c]] + rows.map { c < $0.count ? $0[c] : "" }).map(\.count).max() ?? 0 }
        // Two columns of margin (the row marker) and two spaces between columns.
        let available = width - 2 - 2 * (columns - 1)
        while widths.reduce(0, +) > available, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 4 {
            widths[widest] -= 1
        }
        func render(_ cells: [String]) -> String {
            (0..<columns).map { c in fit(c < cells.count ? cells[c] : "", widths[c]) }.joined(separator: "  ")
        }
        out.append(LessonLine("  " + trimEnd(render(headers)), .tableHeader))
        for (i, row) in rows.prefix(limit ?? rows.count).enumerated() {
            let marked = table.marked.contains(i)
            out.append(LessonLine((marked ? "▶ " : "  ") + trimEnd(render(row)), marked ? .markedRow : .tableRow))
        }
    }

    private static func fit(_ text: String, _ width: Int) -> String {
        if text.count <= width { return pad(text, width) }
        return String(text.prefix(max(0, width - 1))) + "…"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func trimEnd(_ text: String) -> String {
        var s = Substring(text)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }

    /// Cuts a line that is too long into pieces of `width` (for verbatim text).
    static func hardWrap(_ line: String, width: Int) -> [String] {
        guard line.count > width else { return [line] }
        var pieces: [String] = []
        var rest = Substring(line)
        while rest.count > width {
            pieces.append(String(rest.prefix(width)))
            rest = "    " + rest.dropFirst(width)
        }
        pieces.append(String(rest))
        return pieces
    }

    /// Word wrap: `first` before the first line, `indent` before the others; paragraphs kept.
    static func wrap(_ text: String, width: Int, indent: String = "", first: String = "") -> [String] {
        var lines: [String] = []
        var prefix = first
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = prefix
            var empty = true
            for word in paragraph.split(separator: " ") {
                if !empty && line.count + 1 + word.count > width {
                    lines.append(line)
                    line = indent
                    empty = true
                }
                if empty {
                    line += word
                } else {
                    line += " " + word
                }
                empty = false
                while line.count > width {
                    lines.append(String(line.prefix(width)))
                    line = indent + line.dropFirst(width)
                }
            }
            lines.append(line)
            prefix = indent
        }
        return lines
    }
}
