import Autograd
import Dispatch
import Models

/// What leaves the trainer: events for the observer, the checkpoint, and the Sendable snapshot.
extension TrainerCore {
    // MARK: reporting

    /// Events since the last call (steps, evaluations...), for the observer.
    func takeEvents() -> [TrainingEvent] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    var stepsPerSecond: Double {
        guard stepTimes.count >= 2 else { return 0 }
        let span = Double(stepTimes.last! - stepTimes.first!) / 1e9
        return span > 0 ? Double(stepTimes.count - 1) / span : 0
    }

    /// Writes the model's state_dict as safetensors (atomically).
    func save(to path: String) throws(SafetensorsError) {
        try Safetensors.write(model.stateDict(), to: path)
    }

    func snapshot(version: Int, withParameterNorms: Bool, previous: TrainingSnapshot) -> TrainingSnapshot {
        var s = TrainingSnapshot()
        s.version = version
        s.model = configuration.model
        s.dataset = split.name
        s.device = configuration.device.description
        s.optimizer = configuration.optimizer.rawValue.uppercased() == "SGD" ? "SGD" : (configuration.optimizer == .adam ? "Adam" : "AdamW")
        s.learningRate = optimizer.learningRate
        s.batchSize = configuration.batchSize
        s.step = step
        s.epoch = epoch + 1
        s.stepsPerEpoch = stepsPerEpoch
        s.isRunning = isRunning
        s.isFinished = isFinished
        s.stepsPerSecond = stepsPerSecond
        s.zeroGradEnabled = zeroGradEnabled
        s.accumulated = accumulated
        s.losses = losses
        s.accuracies = accuracies
        if withParameterNorms || previous.parameters.isEmpty {
            s.parameters = zip(parameterNames, parameters).map { name, p in
                ParameterStats(name: name, shape: p.shape,
                               gradNorm: p.grad.map { $0.backendSumOfSquares.squareRoot() },
                               norm: p.backendSumOfSquares.squareRoot())
            }
        } else {
            s.parameters = previous.parameters
        }
        s.graph = graph
        s.cursor = cursor
        s.pages = pageRecords(previous: previous.pages)
        s.message = message
        s.diverged = diverged
        return s
    }
}

extension GradientSummary {
    /// Shape, norm, min, max and the first values of a gradient tensor.
    init(of tensor: Tensor) {
        let values = tensor.doubles
        var lo = Double.infinity, hi = -Double.infinity, sum = 0.0
        for v in values {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
            sum += v * v
        }
        self.init(shape: tensor.shape, norm: sum.squareRoot(), min: values.isEmpty ? 0 : lo, max: values.isEmpty ? 0 : hi,
                  firstValues: Array(values.prefix(6)))
    }
}

extension Tensor {
    /// Σ x² computed by the tensor's own backend (no copy to the host for GPU tensors).
    var backendSumOfSquares: Double { storage.backend.sumOfSquares(storage) }
}
