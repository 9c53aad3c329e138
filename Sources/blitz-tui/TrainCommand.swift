import ArgumentParser
import Autograd
import Dispatch
import Glibc
import Synchronization
import Trainer
import TUI

/// `blitz-tui train`: the TUI by default, or headless progress / JSON lines.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model: in the terminal UI, or headless.",
        discussion: """
            Examples:
              blitz-tui train                                   the TUI on blitz-net and digits
              blitz-tui train --dataset shapes --optimizer adam --lr 0.001
              blitz-tui train --headless --epochs 2 --save net.safetensors
              blitz-tui train --json --steps 50 --seed 1        {"step":1,"epoch":1,"loss":2.31} per step
              blitz-tui train --init net.safetensors --headless --steps 10
              blitz-tui train --speed 5 --paused                 the UI paused on step 0, then 5 steps a second

            Exit status: 0 done, 1 bad flag or file, 3 the loss diverged, 130 interrupted.
            """)

    @OptionGroup var options: TrainingOptions

    @Option(help: "Write the weights (a safetensors state_dict) at the end, atomically.")
    var save: String?

    @Flag(help: "No UI: print progress (a bar on a terminal, plain lines otherwise).")
    var headless = false

    @Flag(help: "No UI: print one JSON object per step, and one per evaluation with test_accuracy.")
    var json = false

    @Flag(help: "Draw the UI with ASCII only.")
    var ascii = false

    @Option(help: ArgumentHelp("Steps per second while training runs: a number (1 to 1000000) or max. Default: 20 in the UI, max headless.",
                               valueName: "N|max"))
    var speed: String?

    @Flag(help: "Start the UI paused on step 0 (space starts training, n runs one step).")
    var paused = false

    @Option(help: ArgumentHelp("The terminal's background, for the colours: dark or light (default: asked of the terminal).",
                               valueName: "dark|light"))
    var background: String?

    func run() throws {
        let configuration = try options.configuration()
        let chosen = try parsedSpeed()
        if let background, Background(rawValue: background) == nil {
            throw TrainerError.invalidFlag("--background must be dark or light (got \(background))")
        }
        if headless || json {
            if paused { throw TrainerError.invalidFlag("--paused needs the UI; it cannot be used with --headless or --json") }
            try runHeadless(configuration, speed: chosen ?? .max)
        } else {
            try runTUI(configuration, speed: chosen ?? .watchable)
        }
    }

    private func parsedSpeed() throws(TrainerError) -> TrainingSpeed? {
        guard let speed else { return nil }
        guard let parsed = TrainingSpeed(parsing: speed) else {
            throw .invalidFlag("--speed must be a number of steps per second from 1 to \(TrainingSpeed.highest), or max (got \(speed))")
        }
        return parsed
    }

    private func runTUI(_ configuration: TrainingConfiguration, speed: TrainingSpeed) throws {
        var configuration = configuration
        // Someone watching decides when to stop, unless they asked for a length.
        if options.epochs == nil && options.steps == nil { configuration.epochs = TrainingConfiguration.maxEpochs }
        // What saving said, printed once the screen is gone.
        let saveReport = SaveReport()
        let session = try TrainingSession(configuration: configuration, startRunning: !paused, endWhenFinished: false,
                                          speed: speed) { event in
            saveReport.note(event)
        }
        session.start()
        let status = try TUIApp.run(control: session, options: TUIOptions(ascii: ascii, background: background.flatMap(Background.init(rawValue:))))
        session.send(.quit)
        session.waitUntilDone()
        let saved = session.saveIfRequested(to: save)
        if let line = saveReport.line { saved ? Output.out(line + "\n") : printError(line) }
        if !saved {
            if saveReport.line == nil { printError("blitz-tui: error: could not save \(save ?? ""): the run diverged") }
            throw ExitStatus(code: 1)
        }
        if status != 0 { throw ExitStatus(code: status) }
    }

    private func runHeadless(_ configuration: TrainingConfiguration, speed: TrainingSpeed) throws {
        let printer = ProgressPrinter(json: json, interactive: !json && isatty(STDOUT_FILENO) == 1)
        let session = try TrainingSession(configuration: configuration, startRunning: true, endWhenFinished: true,
                                          speed: speed) { event in
            printer.handle(event)
        }
        printer.begin(session.latestSnapshot, configuration: configuration)
        let interrupted = InterruptFlag()
        let sources = [SIGINT, SIGTERM].map { signalNumber -> DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                interrupted.set()
                session.send(.quit)
            }
            source.resume()
            return source
        }
        session.start()
        let outcome = session.waitUntilDone()
        sources.forEach { $0.cancel() }
        printer.end()
        switch outcome {
        case .diverged(let message):
            printError("blitz-tui: \(message)")
            throw ExitStatus(code: 3)
        case .finished, .quit:
            let saved = session.saveIfRequested(to: save)
            if !saved { throw ExitStatus(code: 1) }
            if interrupted.isSet { throw ExitStatus(code: 130) }
        }
    }
}

/// The TUI's last word on saving ("saved PATH", or why not), kept from the trainer's queue
/// until the terminal is restored.
final class SaveReport: Sendable {
    private let text = Mutex<String?>(nil)

    func note(_ event: TrainingEvent) {
        switch event {
        case .saved(let path):
            text.withLock { $0 = "saved \(path)" }
        case .saveFailed(let path, let message):
            text.withLock { $0 = "blitz-tui: error: could not save \(path): \(message)" }
        default:
            break
        }
    }

    var line: String? { text.withLock { $0 } }
}

/// Set from a signal handler's queue, read by the main thread.
final class InterruptFlag: Sendable {
    private let flag = Synchronization.Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
