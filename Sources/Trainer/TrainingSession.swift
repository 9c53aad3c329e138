import Autograd
import Dispatch
import Synchronization

/// A training run on its own serial background queue, driven by commands, observed through
/// snapshots.
///
/// The queue owns the TrainerCore (model, optimizer, loader, every tensor); nothing else touches
/// it. Commands go into a locked inbox and wake the loop; after each step or backward node the
/// loop publishes an immutable TrainingSnapshot under a Mutex, which the UI copies out once per
/// frame. Events (steps, evaluations) go to an optional observer, called on the trainer's queue.
public final class TrainingSession: TrainingControl, @unchecked Sendable {
    // @unchecked: `core` is only ever touched on `queue` (set up there in init, used by the loop),
    // and everything else here is a Mutex, a semaphore or a constant.
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
    public init(configuration: TrainingConfiguration, startRunning: Bool, endWhenFinished: Bool,
                observer: (@Sendable (TrainingEvent) -> Void)? = nil) throws(TrainerError) {
        self.observer = observer
        self.endWhenFinished = endWhenFinished
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

    private var version = 0
    private var lastNormsAt: UInt64 = 0

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
                core.trainingStep()
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
        case .quit:
            core.leaveDistributed()
            return false
        }
        deliverEvents()
        publish(parameterNorms: true)
        return true
    }

    private func save(to path: String) {
        do {
            try core.save(to: path)
            observer?(.saved(path: path))
        } catch {
            observer?(.saveFailed(path: path, message: "\(error)"))
        }
    }

    /// Saves when asked to at the end (never after a diverged run: a failed run changes no file).
    public func saveIfRequested(to path: String?) -> Bool {
        guard let path else { return true }
        return queue.sync {
            guard !core.diverged else { return false }
            do {
                try core.save(to: path)
                observer?(.saved(path: path))
                return true
            } catch {
                observer?(.saveFailed(path: path, message: "\(error)"))
                return false
            }
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
        let snapshot = core.snapshot(version: version, withParameterNorms: norms, previous: previous)
        published.withLock { $0 = snapshot }
    }

    private func end(_ how: Outcome) {
        core.setRunning(false)
        publish(parameterNorms: true)
        outcome.withLock { $0 = how }
        done.signal()
    }
}
