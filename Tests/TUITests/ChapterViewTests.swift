import Lessons
import Testing
import TUI

/// The lessons viewer at 80×24: literal frames as the learner presses keys, with and without
/// colour, in ASCII; and `w` opening it over the trainer.
@Suite struct ChapterViewTests {
    static let width = 80, height = 24

    func frame(_ state: LessonsViewerState, theme: Theme = mono) -> ScreenBuffer {
        ChapterView.render(state, width: Self.width, height: Self.height, theme: theme)
    }

    mutating func press(_ keys: [Key], _ state: inout LessonsViewerState, ascii: Bool = false) {
        let body = ChapterView.body(width: Self.width, height: Self.height)
        for key in keys { #expect(state.handle(key, width: body.width, height: body.height, ascii: ascii) == .stay) }
    }

    @Test mutating func flattenChapterStepByStep() {
        var state = LessonsViewerState.open(.d)
        expectLines(frame(state).lines(), [
            " Lessons · (d) Flatten: from convolutions to fully connected layers         4/9",
            " (d) Flatten: from convolutions to fully connected layers",
            "",
            " Q: What PyTorch function is used when moving between convolution layers and",
            "    fully connected layers in a neural network forward pass?",
            " ?  After the second pooling a batch of 4 digits is [4, 16, 5, 5]. fc1 is",
            "    Linear(400, 120). What happens if it gets that tensor as it is?",
            "",
            " space: run the next step (0 of 2 shown)",
            "",
            " a: show the answer",
        ] + Array(repeating: "", count: 12) + [
            " space next step  a answer  n/p chapter  r re-run  ↑↓ scroll  q close",
        ])
        // space runs the first step and scrolls to it.
        press([.character(" ")], &state)
        let first = frame(state).lines()
        #expect(first[1] == " ── 1. Shapes, layer by layer ─────────────────────────────────────────────────")
        #expect(first.contains("   layer    input            output"))
        #expect(first.contains(" ▶ flatten  [4, 16, 5, 5]    [4, 400]"))
        // The second step: the error at fc1, in PyTorch's words.
        press([.character(" ")], &state)
        let second = frame(state)
        let lines = second.lines()
        #expect(lines[1] == " ── 2. Flatten left out ───────────────────────────────────────────────────────")
        let errorRow = lines.firstIndex { $0.hasPrefix(" ! RuntimeError: addmm: mat1 and mat2 shapes cannot be multiplied") }
        #expect(errorRow != nil)
        if let errorRow {
            #expect(lines[errorRow + 1] == "   400x120)")
            #expect(lines[0].hasSuffix("4/9 ↓"))
            // The error is drawn in the theme's "bad" style (bold and reverse without colour).
            #expect(second[3, errorRow].style == mono.bad)
        }
        // a: the answer, scrolled into view.
        press([.character("a")], &state)
        let answer = frame(state).lines()
        let heading = answer.firstIndex(of: " ── Answer ────────────────────────────────────────────────────────────────────")
        #expect(heading != nil)
        if let heading { #expect(answer[heading + 1].hasPrefix(" torch.flatten(x, 1)")) }
    }

    /// Chapter (e): b walks backward's nodes one at a time, in PyTorch's order.
    @Test mutating func backwardNodeByNode() {
        var state = LessonsViewerState.open(.e)
        press([.character(" ")], &state)
        var lines = frame(state).lines()
        #expect(lines.contains("   1   NllLossBackward0                   []               LogSoftmax"))
        #expect(!lines.contains { $0.hasPrefix("   2   LogSoftmaxBackward0") })
        #expect(lines.contains("   b: the next node (1 of 27)"))
        press([.character("b"), .character("b"), .character("b")], &state)
        lines = frame(state).lines()
        #expect(lines.contains("   4   AccumulateGrad       fc3.bias      [10]             adds into .grad"))
        #expect(lines.contains("   b: the next node (4 of 27)"))
        #expect(lines.last == " space next step  b node  a answer  n/p chapter  r re-run  ↑↓ scroll  q close")
        press(Array(repeating: .character("b"), count: 23), &state)
        #expect(state.stepRows == nil)
        #expect(ChapterLayout.lines(state.chapter, width: 78).contains { $0.text.hasPrefix("  27  AccumulateGrad       conv1.bias") })
    }

    @Test func colourAndStyles() {
        let colour = Theme(colors: true, ascii: false)
        let buffer = frame(.open(.d), theme: colour)
        #expect(buffer[0, 0].style == colour.statusBar)
        #expect(buffer[1, 3].style == colour.value)
        #expect(buffer[1, 5].style == colour.label)
        #expect(buffer[1, 8].style == colour.key)
    }

    @Test mutating func asciiFramesAreASCII() {
        var state = LessonsViewerState.open(.i)
        press([.character(" "), .character(" "), .character(" "), .character(" "), .character("a")], &state, ascii: true)
        for key: Key in [.home, .pageDown, .pageDown, .pageDown] {
            press([key], &state, ascii: true)
            let lines = frame(state, theme: asciiTheme).lines()
            #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy { $0.isASCII } }, "\(lines)")
        }
        #expect(frame(state, theme: asciiTheme).lines()[0].hasPrefix(" Lessons . (i) Devices and parallelism"))
    }

    @Test mutating func chaptersMoveWithNAndP() {
        var state = LessonsViewerState.open(.a)
        press([.character("p")], &state)
        #expect(state.chapter.id == .i)
        press([.character("n"), .character("n")], &state)
        #expect(state.chapter.id == .b)
        press([.character("r")], &state)
        #expect(state.seed == 2)
        let body = ChapterView.body(width: Self.width, height: Self.height)
        #expect(state.handle(.character("q"), width: body.width, height: body.height) == .close)
        #expect(state.handle(.interrupt, width: body.width, height: body.height) == .quit)
    }

    @Test func wOpensTheLessonsOverTheTrainer() {
        #expect(KeyMap.action(for: .character("w")) == .openLessons)
        #expect(KeyMap.help.contains { $0.keys == "w" })
        var state = AppState()
        let snapshot = Fake.snapshot(steps: 10)
        #expect(state.apply(.openLessons, snapshot: snapshot).isEmpty)
        #expect(state.lessons?.chapter.id == .a)
        let lines = TUIApp.renderFrame(snapshot: snapshot, state: state, width: 80, height: 24)
        #expect(lines[0].hasPrefix(" Lessons · (a) Tensors: requires_grad, grad_fn and .grad"))
    }
}
