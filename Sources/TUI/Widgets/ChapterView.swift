import Lessons

/// The lessons viewer: a title bar with the chapter and its place among the nine, the chapter's
/// lines (question, prediction, revealed steps, answer) styled by kind and scrolled, and a
/// footer with the viewer's keys. Drawn full-screen, over the trainer when opened with `w`.
public struct ChapterView {
    /// The area the chapter's lines occupy at a screen size: between the bars, one column of margin.
    public static func body(width: Int, height: Int) -> Rect {
        Rect(x: 1, y: 1, width: max(0, width - 2), height: max(0, height - 2))
    }

    public static func render(_ state: LessonsViewerState, width: Int, height: Int, theme: Theme) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: height, ascii: theme.symbols == .ascii)
        guard width >= 20 && height >= 5 else {
            _ = buffer.put("window too small", x: 0, y: 0, style: theme.bad)
            return buffer
        }
        let chapter = state.chapter
        let all = ChapterID.allCases
        let body = body(width: width, height: height)
        let lines = state.lines(width: body.width, ascii: theme.symbols == .ascii)
        // The chapter's place among the nine, and an arrow while there is more below.
        let more = state.scroll + body.height < lines.count ? " ↓" : ""
        let position = "\((all.firstIndex(of: chapter.id) ?? 0) + 1)/\(all.count)" + more
        buffer.fill(Rect(x: 0, y: 0, width: width, height: 1), style: theme.statusBar)
        _ = buffer.put(" Lessons · (\(chapter.id.rawValue)) \(chapter.title)", x: 0, y: 0,
                       style: theme.statusBar, clip: Rect(x: 0, y: 0, width: width - position.count - 2, height: 1))
        _ = buffer.put(position, x: width - position.count - 1, y: 0, style: theme.statusBar)

        for row in 0..<body.height {
            let index = state.scroll + row
            guard index < lines.count else { break }
            let line = lines[index]
            _ = buffer.put(line.text, x: body.x, y: body.y + row, style: style(line.kind, theme), clip: body)
        }
        var x = 1
        let footer = Rect(x: 0, y: height - 1, width: width, height: 1)
        for (keys, action) in state.footerKeys {
            x = buffer.put(keys, x: x, y: height - 1, style: theme.key, clip: footer)
            x = buffer.put(" \(action)  ", x: x, y: height - 1, style: theme.dim, clip: footer)
        }
        return buffer
    }

    static func style(_ kind: LessonLine.Kind, _ theme: Theme) -> Style {
        switch kind {
        case .title: return theme.title
        case .question: return theme.value
        case .predict: return theme.label
        case .heading: return theme.borderFocused
        case .codeLabel, .errorNote: return theme.dim
        case .code: return theme.shape
        case .tableHeader: return theme.title
        case .markedRow: return theme.warning
        case .error: return theme.bad
        case .answer: return theme.good
        case .hint: return theme.key
        case .text, .output, .tableRow, .blank: return theme.text
        }
    }
}
