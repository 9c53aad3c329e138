import Lessons
import Testing

/// The plain layout: every chapter fits 80 columns, keeps its question, steps and answer, and
/// reveals step by step.
@Suite struct ChapterLayoutTests {
    /// (f) trains two small runs; it is laid out in the end-to-end test instead.
    @Test(arguments: ChapterID.allCases.filter { $0 != .f })
    func fitsEightyColumns(_ id: ChapterID) {
        let chapter = Lessons.chapter(id)
        let lines = ChapterLayout.lines(chapter, width: 78)
        #expect(lines.allSatisfy { $0.text.count <= 78 }, "\(lines.filter { $0.text.count > 78 }.map(\.text))")
        let text = ChapterLayout.plainText(chapter)
        #expect(text.hasPrefix("(\(chapter.id.rawValue)) \(chapter.title)\n"))
        #expect(text.contains("Q: "))
        #expect(text.contains("── Answer "))
        for (i, section) in chapter.sections.enumerated() {
            #expect(text.contains("── \(i + 1). \(section.heading) "))
        }
        for error in chapter.errors {
            #expect(text.replacingAll("\n", " ").squeezed.contains(error.message.squeezed))
        }
    }

    @Test func revealsOneStepAtATime() {
        let chapter = Lessons.chapter(.d)
        let hidden = ChapterLayout.lines(chapter, width: 78, revealed: 0, showAnswer: false)
        #expect(!hidden.contains { $0.kind == .heading })
        #expect(hidden.contains { $0.text == "space: run the next step (0 of 2 shown)" })
        #expect(hidden.last?.text == "a: show the answer")
        let one = ChapterLayout.lines(chapter, width: 78, revealed: 1, showAnswer: false)
        #expect(one.filter { $0.kind == .heading }.count == 1)
        #expect(!one.contains { $0.kind == .error })
        let two = ChapterLayout.lines(chapter, width: 78, revealed: 2, showAnswer: true)
        #expect(two.contains { $0.kind == .error && $0.text.hasPrefix("! RuntimeError: addmm: mat1 and mat2 shapes") })
        #expect(two.contains { $0.kind == .markedRow && $0.text.hasPrefix("▶ fc1") })
    }

    @Test func wrapsWordsAndKeepsIndents() {
        let chapter = Chapter(id: .a, title: "t", question: "one two three four five six", predict: "p",
                              sections: [], answer: "a", facts: [])
        let lines = ChapterLayout.lines(chapter, width: 20).map(\.text)
        #expect(lines.contains("Q: one two three"))
        #expect(lines.contains("   four five six"))
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }

    /// Runs of spaces as one (wrapping turns a space into a newline and an indent).
    var squeezed: String {
        var out = ""
        for c in self where !(c == " " && out.last == " ") { out.append(c) }
        return out
    }
}
