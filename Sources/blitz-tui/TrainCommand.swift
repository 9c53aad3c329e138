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

            Exit status: 0 done, 1 bad flag or file, 3 the loss diverged, 128+N stopped by signal N
            (130 ctrl-C, 143 SIGTERM, 129 SIGHUP, 131 SIGQUIT, 141 a closed pipe).
            An interrupted run never replaces an existing --save file: it writes
            NAME.interrupted.safetensors beside it.
            """)

    @OptionGroup var options: TrainingOptions

    @Option(help: "Write the weights (a safetensors state_dict) at the end, atomically (checked before training starts).")
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
        var configuration = try options.configuration()
        configuration.savePath = save
        let chosen = try parsedSpeed()
        if let background, Background(rawValue: background) == nil {
            throw TrainerError.invalidFlag(FlagError(flag: "--background", value: background, requirement: .oneOf(["dark", "light"])))
        }
        if headless || json {
            if paused {
                throw TrainerError.invalidFlag(FlagError(flag: "--paused", value: "--headless", requirement: .onlyWith("the UI")))
            }
            try runHeadless(configuration, speed: chosen ?? .max)
        } else {
            try runTUI(configuration, speed: chosen ?? .watchable)
        }
    }

    private func parsedSpeed() throws(TrainerError) -> TrainingSpeed? {
        guard let speed else { return nil }
        guard let parsed = TrainingSpeed(parsing: speed) else {
            throw .invalidFlag(FlagError(flag: "--speed", value: speed,
                                         requirement: .oneOf(["a number of steps per second from 1 to \(TrainingSpeed.highest)", "max"])))
        }
        return parsed
    }

    /// The UI. Quitting with q is the normal end of a run and saves to --save; a signal
    /// (ctrl-C, SIGTERM, SIGHUP, SIGQUIT) is an interruption. Whatever happens, the trainer is
    /// stopped before the process exits: a BLAS call still running while the process tears
    /// down its libraries prints "BLAS : Bad memory unallocation!".
    private func runTUI(_ configuration: TrainingConfiguration, speed: TrainingSpeed) throws {
        var configuration = configuration
        // Someone watching decides when to stop, unless they asked for a length.
        if options.epochs == nil && options.steps == nil { configuration.epochs = TrainingConfiguration.maxEpochs }
        let session = try TrainingSession(configuration: configuration, startRunning: !paused, endWhenFinished: false,
                                          speed: speed)
        session.start()
        let status: Int32
        do {
            // Only --ascii forces ASCII; without it the locale decides (non-UTF-8 → ASCII).
            let options = TUIOptions(ascii: ascii ? true : nil, background: background.flatMap(Background.init(rawValue:)))
            status = try TUIApp.run(control: session, options: options)
        } catch {
            session.send(.quit)
            session.waitUntilDone()
            throw error
        }
        session.send(.quit)
        session.waitUntilDone()
        // What saving said, printed once the screen is gone.
        let saved = session.saveAtEnd(to: save, interrupted: status != 0)
        if case .saved(let path) = saved { Output.out("saved \(PrintableText.escaped(path))\n") }
        if let message = saved.message { printError("blitz-tui: \(saved.succeeded ? "" : "error: ")\(message)") }
        if !saved.succeeded { throw ExitStatus(code: 1) }
        if status != 0 { throw ExitStatus(code: status) }
    }

    /// Headless: SIGINT, SIGTERM, SIGHUP and SIGQUIT stop the run after the step under way, and
    /// so does a closed pipe on stdout (`--json | head`); each ends as an interruption with
    /// 128 + the signal's number.
    private func runHeadless(_ configuration: TrainingConfiguration, speed: TrainingSpeed) throws {
        let printer = ProgressPrinter(json: json, interactive: !json && isatty(STDOUT_FILENO) == 1)
        let session = try TrainingSession(configuration: configuration, startRunning: true, endWhenFinished: true,
                                          speed: speed) { event in
            printer.handle(event)
        }
        printer.begin(session.latestSnapshot, configuration: configuration)
        let interrupted = InterruptFlag()
        let sources = [SIGINT, SIGTERM, SIGHUP, SIGQUIT].map { signalNumber -> DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                interrupted.set(signalNumber)
                session.send(.quit)
            }
            source.resume()
            return source
        }
        signal(SIGPIPE, SIG_IGN)
        Output.onBrokenPipe {
            interrupted.set(SIGPIPE)
            session.send(.quit)
        }
        session.start()
        // The handlers stay until the process is done: a signal during the final save lets the
        // save finish and still ends the run with its status.
        defer { sources.forEach { $0.cancel() } }
        let outcome = session.waitUntilDone()
        printer.end()
        switch outcome {
        case .diverged(let message):
            printError("blitz-tui: \(message)")
            throw ExitStatus(code: 3)
        case .finished, .quit:
            let saved = session.saveAtEnd(to: save, interrupted: interrupted.signal != nil)
            if let message = saved.message { printError("blitz-tui: \(saved.succeeded ? "" : "error: ")\(message)") }
            if !saved.succeeded { throw ExitStatus(code: 1) }
            if let signal = interrupted.signal { throw ExitStatus(code: 128 + signal) }
        }
    }
}

/// The first signal that asked the run to stop, set from a signal handler's queue, read by the main thread.
final class InterruptFlag: Sendable {
    private let received = Synchronization.Atomic<Int32>(0)
    func set(_ signal: Int32) { _ = received.compareExchange(expected: 0, desired: signal, ordering: .relaxed) }
    var signal: Int32? {
        let s = received.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }
}
