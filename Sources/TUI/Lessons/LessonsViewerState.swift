import Lessons

/// The lessons viewer's state: the chapter on screen (the value its demonstration returned),
/// how many of its steps are revealed, whether the answer is shown, and the scroll position.
/// Keys change it through `handle`, which re-runs a chapter's demonstration when the learner
/// moves to another chapter or asks for a re-run: the only place the viewer calls the engine.
public struct LessonsViewerState: Sendable, Equatable {
    public private(set) var chapter: Chapter
    /// Sections of the demonstration shown so far (predict first, then reveal).
    public private(set) var revealed = 0
    public private(set) var showAnswer = false
    public private(set) var scroll = 0
    /// Rows shown of the newest step's stepped table (backward's nodes), nil when all are.
    public private(set) var stepRows: Int? = nil
    /// The seed of the chapter's data and weights; `r` moves to the next one.
    public private(set) var seed: UInt64

    public enum Outcome: Sendable, Equatable {
        case stay
        /// Back to where the viewer was opened from (the trainer), or out of `learn`.
        case close
        case quit
    }

    public init(chapter: Chapter, seed: UInt64) {
        self.chapter = chapter
        self.seed = seed
    }

    /// Runs chapter `id` and opens it with nothing revealed.
    public static func open(_ id: ChapterID, seed: UInt64 = 1) -> LessonsViewerState {
        LessonsViewerState(chapter: Lessons.chapter(id, seed: seed), seed: seed)
    }

    /// The lines shown at a body `width` (the layout the widget draws and scrolling counts).
    public func lines(width: Int, ascii: Bool) -> [LessonLine] {
        ChapterLayout.lines(chapter, width: width, revealed: revealed, showAnswer: showAnswer, stepRows: stepRows,
                            fold: ascii ? LessonsViewer.asciiFold : { $0 })
    }

    /// The keys the footer shows now: `b` only while there are nodes to step through.
    public var footerKeys: [(keys: String, action: String)] {
        LessonsViewerState.keys.filter { $0.keys != "b" || stepRows != nil }
    }

    /// The keys, for the footer and the help: every one the viewer reads.
    public static let keys: [(keys: String, action: String)] = [
        ("space", "next step"), ("b", "node"), ("a", "answer"), ("n/p", "chapter"), ("r", "re-run"), ("↑↓", "scroll"), ("q", "close"),
    ]

    /// Applies one key. `width` and `height` are the body's size, for scrolling.
    public mutating func handle(_ key: Key, width: Int, height: Int, ascii: Bool = false) -> Outcome {
        let page = max(1, height - 1)
        switch key {
        case .character(" "), .enter:
            guard revealed < chapter.sections.count else {
                if !showAnswer { revealAnswer(width: width, height: height, ascii: ascii) }
                return .stay
            }
            revealed += 1
            stepRows = chapter.steppedRows(inSection: revealed - 1) == nil ? nil : 1
            // Scroll so the new step's heading is at the top (the text above is already read).
            let shown = lines(width: width, ascii: ascii)
            let headings = shown.indices.filter { shown[$0].kind == .heading }
            if revealed - 1 < headings.count { scroll = headings[revealed - 1] }
        case .character("b"), .character("B"):
            // The next row of a stepped table (backward's next node), kept in view.
            guard let rows = stepRows, let total = chapter.steppedRows(inSection: revealed - 1) else { break }
            stepRows = rows + 1 >= total ? nil : rows + 1
            let shown = lines(width: width, ascii: ascii)
            if let hint = shown.lastIndex(where: { $0.kind == .hint && $0.text.hasPrefix("  b: ") }) ?? shown.indices.last {
                scroll = max(scroll, hint - height + 2)
            }
        case .character("a"), .character("A"):
            if showAnswer {
                showAnswer = false
            } else {
                revealAnswer(width: width, height: height, ascii: ascii)
            }
        case .character("n"), .character("N"), .right:
            self = .open(chapter.id.next, seed: seed)
        case .character("p"), .character("P"), .left:
            self = .open(chapter.id.previous, seed: seed)
        case .character("r"), .character("R"):
            seed &+= 1
            chapter = Lessons.chapter(chapter.id, seed: seed)
        case .up, .character("k"): scroll -= 1
        case .down, .character("j"): scroll += 1
        case .pageUp: scroll -= page
        case .pageDown: scroll += page
        case .home: scroll = 0
        case .end: scroll = Int.max / 2
        case .character("q"), .character("Q"), .escape, .character("w"), .character("W"): return .close
        case .interrupt: return .quit
        default: break
        }
        clampScroll(width: width, height: height, ascii: ascii)
        return .stay
    }

    private mutating func revealAnswer(width: Int, height: Int, ascii: Bool) {
        showAnswer = true
        let all = lines(width: width, ascii: ascii)
        if let answer = all.lastIndex(where: { $0.kind == .heading }) { scroll = answer }
    }

    private mutating func clampScroll(width: Int, height: Int, ascii: Bool) {
        let count = lines(width: width, ascii: ascii).count
        scroll = min(max(0, scroll), max(0, count - height))
    }
}
