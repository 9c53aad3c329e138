import Autograd
import Dispatch
import Models

/// The training loop's state and its one-step operations. Everything here (model, optimizer,
/// loader, tensors, graph nodes) lives on the trainer's queue; `snapshot()` is the only way out.
///
/// A training step is PyTorch's loop body: zero_grad (unless switched off), forward, loss,
/// backward, optimizer step. Backward always runs through a BackwardStepper, so stepping one node
/// at a time (the `b` key) and a whole step (`n`, or running) are the same code path.
final class TrainerCore {
    let configuration: TrainingConfiguration
    let model: Module
    let optimizer: any Optimizer
    let split: DatasetSplit
    let loader: DataLoader
    private let testLoader: DataLoader
    let parameterNames: [String]
    let parameters: [Tensor]

    private(set) var step = 0
    private(set) var epoch = 0
    private(set) var isRunning = false
    private(set) var isFinished = false
    private(set) var zeroGradEnabled = true
    private(set) var accumulated = 0
    private(set) var losses = LossHistory()
    private(set) var accuracies: [AccuracyPoint] = []
    private(set) var graph: GraphSnapshot?
    private(set) var cursor: BackwardCursor?
    private(set) var message: String?
    private(set) var diverged = false
    private var epochBatches: DataLoader.Epoch?
    /// The current epoch's batches are used up; the next batch starts the next epoch.
    private var epochExhausted = false
    private var stepTimes: [UInt64] = []

    /// A backward pass being stepped through one node at a time.
    private struct Pass {
        let loss: Tensor
        let value: Double
        let stepper: BackwardStepper
        let capture: GraphCapture
        var order: [Int]
        /// The last node's report, and whether a person has been stepping this pass with `b`.
        var last: BackwardStep?
        var stepped = false
    }
    private var pass: Pass?

    var stepsPerEpoch: Int { loader.batchesPerEpoch }

    init(_ configuration: TrainingConfiguration) throws(TrainerError) {
        try configuration.validateFlags()
        self.configuration = configuration
        if let threads = configuration.threads { Backends.cpu.setNumThreads(threads) }
        do {
            split = try DatasetCatalog.load(configuration.dataset, seed: configuration.seed)
        } catch {
            throw .dataset("\(error)")
        }
        do {
            model = try ModelCatalog.make(configuration.model, inputShape: split.sampleShape,
                                          classes: split.classCount, seed: configuration.seed)
        } catch {
            throw .model("\(error)")
        }
        if let path = configuration.initPath {
            do {
                try model.loadSafetensors(from: path, strict: true)
            } catch {
                throw .checkpoint("--init \(path): \(error)")
            }
        }
        do {
            try model.to(configuration.device)
        } catch {
            throw .device("--device \(configuration.device): \(error)")
        }
        let named = model.namedParameters()
        parameterNames = named.map(\.name)
        parameters = named.map(\.tensor)
        do {
            switch configuration.optimizer {
            case .sgd:
                optimizer = try SGD(parameters, lr: configuration.learningRate, momentum: configuration.momentum,
                                    weightDecay: configuration.weightDecay)
            case .adam:
                optimizer = try Adam(parameters, lr: configuration.learningRate, weightDecay: configuration.weightDecay)
            case .adamw:
                optimizer = try AdamW(parameters, lr: configuration.learningRate, weightDecay: configuration.weightDecay)
            }
        } catch {
            throw .invalidFlag("--optimizer \(configuration.optimizer.rawValue): \(error)")
        }
        do {
            loader = try DataLoader(split.train, batchSize: configuration.batchSize, shuffle: configuration.shuffle,
                                    seed: configuration.seed, dropLast: false)
            testLoader = try DataLoader(split.test, batchSize: 256, shuffle: false, prefetch: 0)
        } catch {
            throw .dataset("\(split.name): \(error)")
        }
    }

    // MARK: commands

    func setRunning(_ running: Bool) {
        isRunning = running && !isFinished && !diverged
    }

    func toggleZeroGrad() {
        zeroGradEnabled.toggle()
    }

    func setLearningRate(_ lr: Double) {
        guard lr.isFinite && lr > 0 else { return }
        optimizer.learningRate = lr
    }

    var learningRate: Double { optimizer.learningRate }

    /// One whole training step; finishes a pass that was being stepped through instead. A run
    /// that reached its epochs or steps stops running, but a person may still step on (`manual`).
    func trainingStep(manual: Bool = false) {
        guard !diverged && (manual || !isFinished) else { return }
        if pass != nil {
            finishBackward()
            return
        }
        guard startPass() else { return }
        finishBackward()
    }

    /// Runs one backward node, starting a pass (zero_grad, forward, loss) when none is under way.
    func backwardNode() {
        guard !diverged else { return }
        if pass == nil {
            guard startPass() else { return }
        }
        runOneNode()
        if let p = pass, p.stepper.isFinished { completeStep() }
    }

    /// Runs the rest of the current pass and the optimizer step.
    func finishBackward() {
        guard pass != nil else { return }
        while let p = pass, !p.stepper.isFinished {
            runOneNode(summarise: false)
        }
        if pass != nil { completeStep() }
    }

    // MARK: the step, in pieces

    /// zero_grad (if on), next batch, forward, loss. False when there is no more data or it diverged.
    private func startPass() -> Bool {
        guard let batch = nextBatch() else { return false }
        if zeroGradEnabled {
            optimizer.zeroGrad(setToNone: true)
            accumulated = 0
        }
        model.train()
        let (inputs, labels) = batch.tensors()
        let x: Tensor, y: Tensor
        do {
            x = try inputs.to(configuration.device)
            y = try labels.to(configuration.device)
        } catch {
            stop(message: "moving a batch to \(configuration.device) failed: \(error)")
            return false
        }
        let loss = Tensor.crossEntropy(model(x), y)
        let value = loss.item()
        guard value.isFinite else {
            diverge(loss: loss, value: value)
            return false
        }
        let stepper: BackwardStepper
        do {
            stepper = try BackwardStepper(root: loss)
        } catch {
            stop(message: "backward could not start: \(error)")
            return false
        }
        pass = Pass(loss: loss, value: value, stepper: stepper, capture: GraphCapture(root: loss.gradFn!), order: [])
        return true
    }

    private func runOneNode(summarise: Bool = true) {
        guard var p = pass else { return }
        let result: BackwardStep?
        do {
            result = try p.stepper.step()
        } catch {
            pass = nil
            stop(message: "backward failed at step \(step + 1): \(error)")
            return
        }
        guard let result else { return }
        let ranID = p.capture.id(of: result.node)
        if let ranID { p.order.append(ranID) }
        p.last = result
        if summarise { p.stepped = true }
        pass = p
        if summarise || (p.stepped && p.stepper.isFinished) {
            let next = p.stepper.nextNode
            cursor = BackwardCursor(
                ran: ranID, next: next.flatMap { p.capture.id(of: $0) },
                ranName: result.node.name, nextName: next?.name,
                gradIn: result.gradIn.map(GradientSummary.init(of:)),
                // Only along valid edges, so they line up with the graph node's `next`.
                gradsOut: zip(result.node.nextEdges, result.gradsOut).compactMap { edge, grad in
                    edge == nil ? nil : .some(grad.map(GradientSummary.init(of:)))
                },
                parametersWithGrad: parametersWithGrad(), stepsRun: p.stepper.stepsRun,
                totalNodes: p.capture.snapshot.nodes.count, isActive: !p.stepper.isFinished)
            var g = p.capture.snapshot
            // Every iteration runs the same order; until one has finished, show this pass's so far.
            g.executionOrder = graph?.executionOrder ?? p.order
            graph = g
        }
    }

    /// The pass is over: count it, step the optimizer, record the loss.
    private func completeStep() {
        guard let p = pass else { return }
        pass = nil
        accumulated += 1
        optimizer.step()
        step += 1
        losses.append(p.value)
        var g = p.capture.snapshot
        g.executionOrder = p.order
        graph = g
        // A pass someone stepped through ends showing its last node; a plain step clears the cursor.
        if p.stepped, var c = cursor {
            c.isActive = false
            c.parametersWithGrad = parametersWithGrad()
            cursor = c
        } else {
            cursor = nil
        }
        stepTimes.append(DispatchTime.now().uptimeNanoseconds)
        if stepTimes.count > 64 { stepTimes.removeFirst(stepTimes.count - 64) }
        events.append(.step(step: step, epoch: epoch + 1, loss: p.value))
        if step % configuration.evaluateEvery == 0 { evaluate() }
        if let limit = configuration.steps, step >= limit { finish() }
    }

    private func nextBatch() -> Batch? {
        while true {
            if epochBatches == nil {
                if epochExhausted {
                    epoch += 1
                    epochExhausted = false
                }
                epochBatches = loader.epoch(epoch)
            }
            if let batch = epochBatches!.next() { return batch }
            // The epoch is over: evaluate, then start the next one, or stop after the last.
            epochBatches = nil
            epochExhausted = true
            if step % configuration.evaluateEvery != 0 { evaluate() }
            if !isFinished && configuration.steps == nil && epoch + 1 >= configuration.epochs {
                finish()
                return nil
            }
        }
    }

    /// Test accuracy under no_grad, in eval mode.
    func evaluate() {
        model.eval()
        defer { model.train() }
        var correct = 0
        var total = 0
        noGrad {
            for batch in testLoader.epoch(0) {
                let (inputs, labels) = batch.tensors()
                guard let x = try? inputs.to(configuration.device) else { return }
                let predicted = model(x).max(dim: 1).indices.toArray(Int64.self)
                let truth = labels.toArray(Int64.self)
                for i in 0..<truth.count where predicted[i] == truth[i] { correct += 1 }
                total += truth.count
            }
        }
        guard total > 0 else { return }
        let accuracy = Double(correct) / Double(total)
        accuracies.append(AccuracyPoint(step: step, epoch: epoch + 1, accuracy: accuracy))
        events.append(.evaluation(step: step, epoch: epoch + 1, accuracy: accuracy))
    }

    private func finish() {
        isFinished = true
        isRunning = false
        if message == nil { message = "finished: \(step) steps, epoch \(epoch + 1)" }
        events.append(.finished(step: step, epoch: epoch + 1))
    }

    private func stop(message: String) {
        self.message = message
        isRunning = false
    }

    /// The loss is NaN or infinite: name the step and, through anomaly detection, the node.
    private func diverge(loss: Tensor, value: Double) {
        var text = "loss is \(value.isNaN ? "nan" : "inf") at step \(step + 1)"
        do {
            try detectAnomaly { try loss.backward() }
            text += "; anomaly detection found no node producing nan/inf in backward (the forward pass overflowed)"
        } catch {
            text += ": \(error)"
        }
        diverged = true
        isRunning = false
        message = text
        losses.append(value)
        events.append(.diverged(step: step + 1, message: text))
    }

    private func parametersWithGrad() -> [String] {
        zip(parameterNames, parameters).filter { $0.1.grad != nil }.map(\.0)
    }

    // MARK: reporting

    /// Events since the last call (steps, evaluations...), for the observer.
    private(set) var events: [TrainingEvent] = []
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
    func save(to path: String) throws {
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
