import Autograd
import TensorBoard

/// What the trainer records about itself as it goes, on its own queue: TensorBoard event files
/// (`--logdir`: `loss` and `lr` every step, `accuracy/test` at each evaluation, `weights/NAME`
/// and `grads/NAME` histograms every `--histogram-every` steps) and the Distributions page's
/// samples (percentiles, histograms, dead ReLU units every `distributionEvery` steps).
extension TrainerCore {
    static func makeSummaryWriter(_ configuration: TrainingConfiguration) throws(TrainerError) -> SummaryWriter? {
        guard let logdir = configuration.logdir else { return nil }
        do {
            return try SummaryWriter(logdir: logdir)
        } catch {
            throw .logdir(error)
        }
    }

    /// After an optimizer step: the scalars, and the histograms when it is their step.
    func recordStep(loss: Double) {
        if let summaries {
            summaries.addScalar("loss", loss, step: step)
            summaries.addScalar("lr", optimizer.learningRate, step: step)
            if step % configuration.histogramEvery == 0 {
                for (name, p) in zip(parameterNames, parameters) {
                    summaries.addHistogram("weights/\(name)", p.doubles, step: step)
                    if let grad = p.grad { summaries.addHistogram("grads/\(name)", grad.doubles, step: step) }
                }
            }
        }
        if let every = configuration.distributionEvery, step % every == 0 {
            sampleDistributions()
        }
    }

    func recordAccuracy(_ accuracy: Double) {
        summaries?.addScalar("accuracy/test", accuracy, step: step)
    }

    /// Writes what is queued and closes the event file (the run is over).
    func closeSummaries() {
        summaries?.close()
    }

    // MARK: the Distributions page

    func sampleDistributions() {
        guard var history = distributions else { return }
        for (index, p) in parameters.enumerated() {
            if let (point, bins) = DistributionHistory.summarise(p.doubles, step: step) {
                history.parameters[index].weights.append(point)
                DistributionHistory.thin(&history.parameters[index].weights)
                history.parameters[index].weightHistogram = bins
            }
            if let grad = p.grad, let (point, bins) = DistributionHistory.summarise(grad.doubles, step: step) {
                history.parameters[index].grads.append(point)
                DistributionHistory.thin(&history.parameters[index].grads)
                history.parameters[index].gradHistogram = bins
            }
        }
        distributions = history
    }

    /// Runs `forward` and, on a sampling step, measures for each layer that feeds a ReLU (every
    /// Linear and Conv2d but the last, whose outputs are the logits) the fraction of units whose
    /// output was ≤ 0 for every sample in the batch: a ReLU after them passes no gradient back.
    func forwardProbingDeadUnits(_ forward: () -> Tensor) -> Tensor {
        guard let every = configuration.distributionEvery, (step + 1) % every == 0, distributions != nil else {
            return forward()
        }
        let layers = model.namedModules().filter { $0.module is Linear || $0.module is Conv2d }.dropLast()
        var measured: [(layer: String, units: Int, fraction: Double)] = []
        let handles = layers.map { named in
            named.module.registerForwardHook { _, _, output in
                let shape = output.shape
                let batch = shape.first ?? 1
                let units = batch > 0 ? shape.reduce(1, *) / batch : 0
                guard units > 0 else { return nil }
                var alive = [Bool](repeating: false, count: units)
                let values = output.doubles
                for b in 0..<batch {
                    for u in 0..<units where values[b * units + u] > 0 { alive[u] = true }
                }
                let dead = alive.lazy.filter { !$0 }.count
                measured.append((named.name, units, Double(dead) / Double(units)))
                return nil
            }
        }
        let output = forward()
        handles.forEach { $0.remove() }
        if var history = distributions {
            for m in measured {
                if let i = history.deadUnits.firstIndex(where: { $0.layer == m.layer }) {
                    history.deadUnits[i].steps.append(step + 1)
                    history.deadUnits[i].fractions.append(m.fraction)
                    DistributionHistory.thin(&history.deadUnits[i].steps)
                    DistributionHistory.thin(&history.deadUnits[i].fractions)
                } else {
                    var series = DistributionHistory.DeadUnits(layer: m.layer, units: m.units)
                    series.steps = [step + 1]
                    series.fractions = [m.fraction]
                    history.deadUnits.append(series)
                }
            }
            distributions = history
        }
        return output
    }
}
