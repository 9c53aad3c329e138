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
              blitz-tui train --data-parallel 2 --batch-size 64   DataParallel: two replicas, 32 samples each
              mpirun -np 2 blitz-tui train --headless --distributed --batch-size 32
                                                                 DistributedDataParallel over MPI (docs/distributed.md)

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

    @Option(name: .customLong("data-parallel"),
            help: "Replicas of the model in this process (DataParallel): CPU workers, or one per GPU from --device cuda:K on.")
    var dataParallel = 1

    @Flag(help: "Be one rank of an MPI job (start with mpirun): each rank takes every N-th sample, gradients are averaged over the ranks (DistributedDataParallel). Rank 0 prints, evaluates and saves.")
    var distributed = false

    @Option(name: .customLong("distributed-timeout"),
            help: "Seconds a rank waits for the others in a collective before it exits with an error (default 120 headless; 0 waits for ever, the UI's default).")
    var distributedTimeout: Double?

    func run() throws {
        var configuration = try options.configuration()
        configuration.savePath = save
        configuration.dataParallel = dataParallel
        try configuration.validateFlags()
        let chosen = try parsedSpeed()
        if let background, Background(rawValue: background) == nil {
            throw TrainerError.invalidFlag(FlagError(flag: "--background", value: background, requirement: .oneOf(["dark", "light"])))
        }
        if paused && (headless || json) {
            throw TrainerError.invalidFlag(FlagError(flag: "--paused", value: "--headless", requirement: .onlyWith("the UI")))
        }
        if distributed {
            try runDistributed(configuration, speed: chosen)
            return
        }
        if headless || json {
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
        // The Distributions page samples weights, gradients and dead units every 10 steps.
        configuration.distributionEvery = 10
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

    /// One rank of an MPI job: rank 0 runs the UI or prints; the others train silently beside it
    /// (as fast as they can: rank 0 sets the pace, since every step starts with its word).
    private func runDistributed(_ configuration: TrainingConfiguration, speed: TrainingSpeed?) throws {
        var configuration = configuration
        let ui = !(headless || json)
        configuration.distributed = true
        configuration.distributedTimeout = distributedTimeout ?? (ui ? 0 : 120)
        // The same length on every rank, whichever of them shows the UI.
        if ui && options.epochs == nil && options.steps == nil { configuration.epochs = TrainingConfiguration.maxEpochs }
        try configuration.validateFlags()
        let group: ProcessGroup
        do {
            group = try ProcessGroup.world()
        } catch {
            printError("blitz-tui: error: --distributed: \(error)")
            throw ExitStatus(code: 1)
        }
        DistributedSignals.install(rank: group.rank, worldSize: group.worldSize)
        defer { group.finalize() }
        if group.rank != 0 {
            try runFollower(configuration, rank: group.rank)
        } else if ui {
            guard DistributedTerminal.attach() else {
                printError("blitz-tui: error: rank 0 found no terminal for the UI (/dev/tty); add --headless or --json")
                throw ExitStatus(code: 1)
            }
            defer { DistributedTerminal.restore() }
            try runTUI(configuration, speed: speed ?? .watchable)
        } else {
            try runHeadless(configuration, speed: speed ?? .max, worldSize: group.worldSize)
        }
    }

    /// A rank other than 0: trains in step with rank 0, prints nothing but errors, saves nothing.
    private func runFollower(_ configuration: TrainingConfiguration, rank: Int) throws {
        let session: TrainingSession
        do {
            session = try TrainingSession(configuration: configuration, startRunning: true, endWhenFinished: true, speed: .max)
        } catch {
            printError("blitz-tui (rank \(rank)): error: \(error)")
            throw ExitStatus(code: 1)
        }
        session.start()
        if case .diverged(let message) = session.waitUntilDone() {
            printError("blitz-tui (rank \(rank)): \(message)")
            throw ExitStatus(code: 3)
        }
    }

    /// Headless: SIGINT, SIGTERM, SIGHUP and SIGQUIT stop the run after the step under way, and
    /// so does a closed pipe on stdout (`--json | head`); each ends as an interruption with
    /// 128 + the signal's number.
    private func runHeadless(_ configuration: TrainingConfiguration, speed: TrainingSpeed, worldSize: Int? = nil) throws {
        let printer = ProgressPrinter(json: json, interactive: !json && isatty(STDOUT_FILENO) == 1, worldSize: worldSize)
        let session = try TrainingSession(configuration: configuration, startRunning: true, endWhenFinished: true,
                                          speed: speed) { event in
            printer.handle(event)
        }
        printer.begin(session.latestSnapshot, configuration: configuration)
        let interrupted = InterruptFlag()
        // In a job, SIGTERM is mpirun ending it: DistributedSignals handles that one.
        let stopSignals = worldSize == nil ? [SIGINT, SIGTERM, SIGHUP, SIGQUIT] : [SIGINT, SIGHUP, SIGQUIT]
        let sources = stopSignals.map { signalNumber -> DispatchSourceSignal in
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
