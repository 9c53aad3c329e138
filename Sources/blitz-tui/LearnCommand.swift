import ArgumentParser
import Glibc
import Lessons
import TUI
import Trainer

/// `blitz-tui learn`: the worksheet's nine questions as live chapters. Each chapter runs its
/// demonstration on the engine when it is opened; `--plain` prints it as text instead of
/// opening the screen.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "The worksheet's nine questions (a)-(i) as live chapters run on the engine.",
        discussion: """
            Chapters: \(ChapterID.allCases.map(\.rawValue).joined(separator: " ")) — \
            tensors, modules, calling a module, flatten, backward, zero_grad, the optimizer, data, devices.
            In the viewer: n/p next/previous chapter, space runs the next step, a shows the answer,
            r runs the chapter again on other data, arrows and pgup/pgdn scroll, q quits.

            Examples:
              blitz-tui learn                         all chapters in the viewer, from (a)
              blitz-tui learn --chapter d             chapter (d), flatten
              blitz-tui learn --chapter f --plain     chapter (f) printed as text
            """)

    @Option(help: "The chapter to open, a to i.")
    var chapter: String?

    @Flag(help: "Print the chapter (all chapters without --chapter) as text, without the screen.")
    var plain = false

    @Option(help: "Seed of the chapters' data and weights.")
    var seed: UInt64 = 1

    @Option(help: "Width of --plain text in columns.")
    var width = 80

    @Flag(help: "Draw with ASCII characters only.")
    var ascii = false

    @Flag(name: .customLong("no-color"), help: "Draw without colour.")
    var noColor = false

    func run() throws {
        var first = ChapterID.a
        if let chapter {
            guard let id = ChapterID(rawValue: chapter.lowercased()) else {
                throw TrainerError.invalidFlag(FlagError(flag: "--chapter", value: chapter,
                                                         requirement: .oneOf(ChapterID.allCases.map(\.rawValue))))
            }
            first = id
        }
        guard width >= 40 else {
            throw TrainerError.invalidFlag(FlagError(flag: "--width", value: String(width), requirement: .integer(atLeast: 40, atMost: nil)))
        }
        if plain {
            let ids = self.chapter == nil ? ChapterID.allCases : [first]
            for (i, id) in ids.enumerated() {
                if i > 0 { print("") }
                let text = ChapterLayout.plainText(Lessons.chapter(id, seed: seed), width: width,
                                                   fold: ascii ? LessonsViewer.asciiFold : { $0 })
                print(text, terminator: "")
            }
            return
        }
        guard isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 else {
            throw LearnError.notATerminal
        }
        let options = TUIOptions(ascii: ascii ? true : nil, colors: noColor ? false : nil)
        let status = try LessonsViewer.run(first: first, seed: seed, options: options)
        if status != 0 { throw ExitStatus(code: status) }
    }
}

/// Why the lessons viewer cannot open.
enum LearnError: Error, CustomStringConvertible {
    case notATerminal

    var description: String {
        switch self {
        case .notATerminal: return "blitz-tui learn needs a terminal for its screen; use --plain to print the chapters as text"
        }
    }
}
