/// What a training run reports as it goes (headless printing, scripts).
public enum TrainingEvent: Sendable {
    case step(step: Int, epoch: Int, loss: Double)
    case evaluation(step: Int, epoch: Int, accuracy: Double)
    case diverged(step: Int, message: String)
    case saved(path: String)
    case saveFailed(path: String, message: String)
    case finished(step: Int, epoch: Int)
}
