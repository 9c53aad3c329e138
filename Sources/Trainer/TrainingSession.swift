import Autograd
import Dispatch
import Synchronization

/// A training run on its own serial background queue, driven by commands, observed through
/// snapshots.
///
/// The loop keeps the run's pace (TrainingSpeed): between steps it waits on the inbox's
/// semaphore until the next step is due, so a command (pause, a backward node, a new speed)
/// is answered at once however slow the pace.
///
/// The queue owns the TrainerCore (model, optimizer, loader, every tensor); nothing else touches
/// it. Commands go into a locked inbox and wake the loop; after each step or backward node the
/// loop publishes an immutable TrainingSnapshot under a Mutex, which the UI copies out once per
/// frame. Events (steps, evaluations) go to an optional observer, called on the trainer's queue.
public final class TrainingSession: TrainingControl, @unchecked Sendable {
    // @unchecked: the plain variables, `core` and the loop's own `pacer`, `resets`, `version`
    // and `lastNormsAt` (below), are only ever touched on `queue`: `core` and `pacer` are set
    // there in init (a queue.sync), and the loop and the publish calls that use them all run
    // there too. Everything else is a Mutex, a semaphore, a @Sendable closure or a constant.
    private let queue = DispatchQueue(label: "blitz-tui.trainer", qos: .userInitiated)
    private var core: TrainerCore!
    private let inbox = Mutex<[TrainerCommand]>([])
    private let published = Mutex(TrainingSnapshot())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let observer: (@Sendable (TrainingEvent) -> Void)?
    /// Headless runs end when training finishes; the TUI keeps the session until the user quits.
    private let endWhenFinished: Bool
    private let outcome = Mutex<Outcome?>(nil)

    /// How a run ended.
    public enum Outcome: Sendable, Equatable {
        case finished
        case quit
        case diverged(String)
    }

    /// Builds everything (data, model, checkpoint, device, optimizer) and validates it; throws
    /// before any training if something does not fit.
    /// `speed`: how fast it trains while running (the UI's default is TrainingSpeed.watchable;
    /// headless runs go at full speed).
    public init(configuration: TrainingConfiguration, startRunning: Bool, endWhenFinished: Bool,
                speed: TrainingSpeed = .max, observer: (@Sendable (TrainingEvent) -> Void)? = nil) throws(TrainerError) {
        self.observer = observer
        self.endWhenFinished = endWhenFinished
        self.pacer = Pacer(speed: speed)
        let setup: Result<Void, TrainerError> = queue.sync {
            do throws(TrainerError) {
                let core = try TrainerCore(configuration)
                core.setRunning(startRunning)
                self.core = core
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try setup.get()
        queue.sync { publish(parameterNorms: true) }
    }

    /// Starts the loop on the trainer's queue.
    public func start() {
        queue.async { self.loop() }
    }

    public func send(_ command: TrainerCommand) {
        inbox.withLock { $0.append(command) }
        wake.signal()
    }

    public var latestSnapshot: TrainingSnapshot {
        published.withLock { $0 }
    }

    /// Blocks until the loop has ended (finished, diverged or quit) and says how.
    @discardableResult
    public func waitUntilDone() -> Outcome {
        done.wait()
        done.signal()
        return outcome.withLock { $0 } ?? .quit
    }

    // MARK: the loop (on `queue`)

    // Only on `queue` (see the class's @unchecked note).
    private var version = 0
    private var lastNormsAt: UInt64 = 0
    private var pacer: Pacer
    private var resets = 0

    private func loop() {
        while true {
            let commands = inbox.withLock { pending -> [TrainerCommand] in
                defer { pending.removeAll() }
                return pending
            }
            for command in commands {
                if !handle(command) {
                    end(.quit)
                    return
                }
            }
            if core.diverged {
                deliverEvents()
                publish(parameterNorms: true)
                if endWhenFinished {
                    end(.diverged(core.message ?? "diverged"))
                    return
                }
            } else if core.isFinished && endWhenFinished {
                deliverEvents()
                publish(parameterNorms: true)
                end(.finished)
                return
            }
            if core.isRunning {
                let now = DispatchTime.now().uptimeNanoseconds
                if let delay = pacer.delay(now: now) {
                    // Not yet due: wait, but wake for any command.
                    _ = wake.wait(timeout: .now() + .nanoseconds(Int(min(delay, 200_000_000))))
                    continue
                }
                core.trainingStep()
                pacer.stepped(now: now)
                deliverEvents()
                publish(parameterNorms: false)
            } else {
                deliverEvents()
                _ = wake.wait(timeout: .now() + .milliseconds(200))
            }
        }
    }

    /// Runs one command; false means quit.
    private func handle(_ command: TrainerCommand) -> Bool {
        switch command {
        case .pause:
            core.setRunning(false)
        case .resume:
            core.setRunning(true)
            pacer.restart()
        case .step:
            core.setRunning(false)
            core.trainingStep(manual: true)
        case .backwardNode:
            core.setRunning(false)
            core.backwardNode()
        case .finishBackward:
            core.setRunning(false)
            core.finishBackward()
        case .toggleZeroGrad:
            core.toggleZeroGrad()
        case .setLearningRate(let lr):
            core.setLearningRate(lr)
        case .scaleLearningRate(let factor):
            core.setLearningRate(core.learningRate * factor)
        case .save(let path):
            save(to: path)
        case .showPage(let page):
            core.showPage(page)
        case .selectParameter(let index):
            core.selectParameter(index)
        case .toggleInOptimizer(let index):
            core.toggleHeld(index)
        case .inspectNodes(let on):
            core.pages.inspecting = on
        case .setSpeed(let speed):
            setSpeed(speed)
        case .changeSpeed(let faster):
            setSpeed(faster ? pacer.speed.faster : pacer.speed.slower)
        case .reset:
            reset()
        case .quit:
            return false
        }
        deliverEvents()
        publish(parameterNorms: true)
        return true
    }

    private func setSpeed(_ speed: TrainingSpeed) {
        guard speed != pacer.speed else { return }
        pacer.speed = speed
        pacer.restart()
        core.restartStepClock()
    }

    /// A new core on the same configuration and data: fresh weights from the same seed (or the
    /// --init checkpoint), a fresh optimizer (no momentum), step 0, zero_grad on, the starting
    /// lr, no losses. Running stays running; a run that cannot be rebuilt (the checkpoint gone)
    /// keeps going as it was, with a message.
    private func reset() {
        let running = core.isRunning
        do {
            let fresh = try TrainerCore(core.configuration, split: core.split)
            _ = core.takeEvents()
            // The page on screen and its selection outlive the run (the optimizer is new: it holds all).
            fresh.showPage(core.pages.visible)
            fresh.selectParameter(core.pages.selectedParameter)
            fresh.pages.inspecting = core.pages.inspecting
            core = fresh
            core.setRunning(running)
            resets += 1
            pacer.restart()
        } catch {
            core.message = "reset failed: \(error)"
        }
    }

    private func save(to path: String) {
        do {
            try core.save(to: path)
            observer?(.saved(path: path))
        } catch {
            observer?(.saveFailed(path: path, error: error))
        }
    }

    /// What became of the checkpoint asked for at the end of a run.
    public enum EndSave: Sendable, Equatable {
        case notAsked
        case saved(path: String)
        /// Interrupted, with a checkpoint already at `kept`: the weights went to `path` beside it.
        case savedBeside(path: String, kept: String)
        /// The loss diverged: a failed run changes no file.
        case skippedDiverged(path: String)
        case failed(path: String, SafetensorsError)

        /// True unless a save was asked for and did not happen.
        public var succeeded: Bool {
            switch self {
            case .notAsked, .saved, .savedBeside: return true
            case .skippedDiverged, .failed: return false
            }
        }

        /// The line a person reads about it (nil when there is nothing to say).
        public var message: String? {
            switch self {
            case .notAsked, .saved: return nil
            case .savedBeside(let path, let kept):
                return "interrupted: saved the weights to \(PrintableText.escaped(path)); \(PrintableText.escaped(kept)) was left as it was"
            case .skippedDiverged(let path):
                return "not saved to \(PrintableText.escaped(path)): the loss diverged, and a failed run changes no file"
            case .failed(let path, let error):
                return "could not save \(PrintableText.escaped(path)): \(error.problem)"
            }
        }
    }

    /// Saves at the end of a run when `path` is given. An interrupted run never replaces an
    /// existing checkpoint: it writes NAME.interrupted.safetensors beside it instead (or PATH
    /// itself when nothing is there). A diverged run saves nothing.
    public func saveAtEnd(to path: String?, interrupted: Bool) -> EndSave {
        guard let path else { return .notAsked }
        return queue.sync { () -> EndSave in
            guard !core.diverged else { return .skippedDiverged(path: path) }
            var target = path
            if interrupted, (try? Safetensors.saveTarget(path))?.exists ?? true {
                target = Safetensors.interruptedPath(for: path)
            }
            do throws(SafetensorsError) {
                try core.save(to: target)
            } catch {
                observer?(.saveFailed(path: target, error: error))
                return .failed(path: target, error)
            }
            if target == path {
                observer?(.saved(path: path))
                return .saved(path: path)
            }
            observer?(.savedBeside(path: target, kept: path))
            return .savedBeside(path: target, kept: path)
        }
    }

    private func deliverEvents() {
        let events = core.takeEvents()
        guard let observer else { return }
        for event in events { observer(event) }
    }

    /// Parameter norms cost a pass over every weight: while running, refresh them at most ~30 times a second.
    private func publish(parameterNorms: Bool) {
        let now = DispatchTime.now().uptimeNanoseconds
        let norms = parameterNorms || now - lastNormsAt > 33_000_000
        if norms { lastNormsAt = now }
        version += 1
        let previous = published.withLock { $0 }
        var snapshot = core.snapshot(version: version, withParameterNorms: norms, previous: previous)
        snapshot.pacing = Pacing(speed: pacer.speed, resets: resets)
        published.withLock { $0 = snapshot }
    }

    private func end(_ how: Outcome) {
        core.setRunning(false)
        publish(parameterNorms: true)
        outcome.withLock { $0 = how }
        done.signal()
    }
}
