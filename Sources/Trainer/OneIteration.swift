import Autograd

extension TrainingSession {
    /// The graph of one training iteration (forward, loss, backward in PyTorch's order) for the
    /// configured model and data, without starting a session: what `blitz-tui graph` prints.
    public static func graphOfOneIteration(_ configuration: TrainingConfiguration) throws(TrainerError) -> GraphSnapshot {
        let core = try TrainerCore(configuration)
        core.trainingStep()
        if core.diverged { throw .diverged(step: 1, message: core.message ?? "diverged") }
        guard let graph = core.graph else { throw .noBatch(dataset: configuration.dataset) }
        return graph
    }
}
