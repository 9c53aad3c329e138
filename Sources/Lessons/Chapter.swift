/// A lesson is one of the worksheet's nine questions answered by the engine in front of the
/// learner. A chapter is the value a demonstration returns: what it ran (Swift beside the PyTorch
/// it mirrors), what came out (printed tensors, tables, errors word for word), the question with
/// what to predict before looking, and the answer. The TUI viewer, `learn --plain` and the tests
/// all read this one value, so what a person sees is what the tests check against PyTorch.

/// The worksheet's questions, (a) to (i).
public enum ChapterID: String, CaseIterable, Sendable, Comparable {
    case a, b, c, d, e, f, g, h, i

    public static func < (lhs: ChapterID, rhs: ChapterID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The chapter after this one, wrapping from (i) to (a).
    public var next: ChapterID {
        let all = ChapterID.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    public var previous: ChapterID {
        let all = ChapterID.allCases
        return all[(all.firstIndex(of: self)! + all.count - 1) % all.count]
    }
}

public struct Chapter: Sendable, Equatable {
    public var id: ChapterID
    /// One line, in PyTorch's words: "Tensors: requires_grad, grad_fn and .grad".
    public var title: String
    /// The worksheet's question, as the worksheet asks it.
    public var question: String
    /// What to predict before revealing the demonstration.
    public var predict: String
    /// The demonstration, revealed one section at a time in the viewer.
    public var sections: [LessonSection]
    /// The answer to the question, in a few sentences that point back at what was shown.
    public var answer: String
    /// The key results by name, for the tests and for a summary: "parameters, 1 channel" → "61706".
    public var facts: [LessonFact]

    public init(id: ChapterID, title: String, question: String, predict: String,
                sections: [LessonSection], answer: String, facts: [LessonFact]) {
        self.id = id
        self.title = title
        self.question = question
        self.predict = predict
        self.sections = sections
        self.answer = answer
        self.facts = facts
    }

    /// The value of the fact named `name`, if the chapter recorded one.
    public func fact(_ name: String) -> String? {
        facts.first { $0.name == name }?.value
    }

    /// The rows of the stepped table in section `index`, if it has one (what `b` walks through).
    public func steppedRows(inSection index: Int) -> Int? {
        guard sections.indices.contains(index) else { return nil }
        for case .table(let table) in sections[index].blocks where table.step != nil { return table.rows.count }
        return nil
    }

    /// Every error the demonstration raised, in order.
    public var errors: [LessonError] {
        sections.flatMap(\.blocks).compactMap { block in
            if case .error(let error) = block { return error }
            return nil
        }
    }
}

/// One step of a demonstration: a heading and what it showed.
public struct LessonSection: Sendable, Equatable {
    public var heading: String
    public var blocks: [LessonBlock]

    public init(_ heading: String, _ blocks: [LessonBlock]) {
        self.heading = heading
        self.blocks = blocks
    }
}

public enum LessonBlock: Sendable, Equatable {
    /// Prose, wrapped to the width.
    case text(String)
    /// The Swift that ran and the PyTorch it mirrors, line for line where they can be.
    case code(swift: String, pytorch: String)
    /// What the engine printed or computed, verbatim (a tensor, a module tree, a picture).
    case output(String)
    case table(LessonTable)
    /// An error the engine raised, with where it happened and why.
    case error(LessonError)
}

public struct LessonTable: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]
    /// Rows to draw as highlighted (a difference, the layer that failed).
    public var marked: [Int]
    /// What one row is when the viewer reveals the rows one key press at a time ("node" for
    /// backward's steps); nil for a table shown whole.
    public var step: String?

    public init(headers: [String], rows: [[String]], marked: [Int] = [], step: String? = nil) {
        self.headers = headers
        self.rows = rows
        self.marked = marked
        self.step = step
    }
}

public struct LessonError: Sendable, Equatable {
    /// The text as PyTorch prints it: "RuntimeError: ...".
    public var message: String
    /// Where it happened: the layer or call.
    public var place: String
    /// One sentence on why.
    public var why: String

    public init(message: String, place: String, why: String) {
        self.message = message
        self.place = place
        self.why = why
    }
}

public struct LessonFact: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
