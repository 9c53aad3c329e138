import Autograd

/// What a training run reports as it goes (headless printing, scripts).
public enum TrainingEvent: Sendable {
    case step(step: Int, epoch: Int, loss: Double)
    case evaluation(step: Int, epoch: Int, accuracy: Double)
    case diverged(step: Int, message: String)
    case saved(path: String)
    /// An interrupted run found a checkpoint at `kept` and saved beside it instead.
    case savedBeside(path: String, kept: String)
    case saveFailed(path: String, error: SafetensorsError)
    case finished(step: Int, epoch: Int)
}
