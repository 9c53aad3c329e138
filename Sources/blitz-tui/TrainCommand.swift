import ArgumentParser
import Autograd
import Dispatch
import Glibc
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

    func run() throws {
        let configuration = try options.configuration()
        if headless || json {
            try runHeadless(configuration)
        } else {
            try runTUI(configuration)
        }
    }

    private func runTUI(_ configuration: TrainingConfiguration) throws {
        var configuration = configuration
        // Someone watching decides when to stop, unless they asked for a length.
        if options.epochs == nil && options.steps == nil { configuration.epochs = TrainingConfiguration.maxEpochs }
        // The Distributions page samples weights, gradients and dead units every 10 steps.
        configuration.distributionEvery = 10
        let session = try TrainingSession(configuration: configuration, startRunning: true, endWhenFinished: false)
        session.start()
        let status = try TUIApp.run(control: session, options: TUIOptions(ascii: ascii))
        session.send(.quit)
        session.waitUntilDone()
        if !session.saveIfRequested(to: save) {
            printError("blitz-tui: error: could not save \(save ?? "")")
            throw ExitStatus(code: 1)
        }
        if status != 0 { throw ExitStatus(code: status) }
    }

    private func runHeadless(_ configuration: TrainingConfiguration) throws {
        let printer = ProgressPrinter(json: json, interactive: !json && isatty(STDOUT_FILENO) == 1)
        let session = try TrainingSession(configuration: configuration, startRunning: true, endWhenFinished: true) { event in
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

/// Set from a signal handler's queue, read by the main thread.
final class InterruptFlag: Sendable {
    private let flag = Synchronization.Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}

import Synchronization
