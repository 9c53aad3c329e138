/// What the UI (or a script) can ask the trainer to do. Commands are queued and run in order on
/// the trainer's queue.
public enum TrainerCommand: Sendable, Equatable {
    case pause
    case resume
    /// One whole training step (zero_grad if on, forward, loss, backward, optimizer step).
    case step
    /// Run one backward node; the first of a pass zeroes grads (if on) and does forward and loss.
    case backwardNode
    /// Run the rest of the current backward pass and the optimizer step.
    case finishBackward
    case toggleZeroGrad
    case setLearningRate(Double)
    /// Multiply the learning rate (the `+`/`-` keys).
    case scaleLearningRate(Double)
    case save(path: String)
    /// Train at this speed while running.
    case setSpeed(TrainingSpeed)
    /// One rung up (true) or down the speed ladder (the `>` and `<` keys).
    case changeSpeed(faster: Bool)
    /// Start the run over: fresh weights from the same seed (or the --init checkpoint), step 0,
    /// zero_grad on, the starting learning rate, an empty loss history (the `r` key).
    case reset
    case quit
}

/// The face of a training session the UI talks to: send commands, read the latest snapshot.
public protocol TrainingControl: AnyObject, Sendable {
    func send(_ command: TrainerCommand)
    var latestSnapshot: TrainingSnapshot { get }
}
