import Autograd
import Dispatch
import Models

/// The training step in pieces: zero_grad, forward and loss (startPass), one backward node at a
/// time (runOneNode), the optimizer step (completeStep), and the batches that feed them.
extension TrainerCore {
    /// One whole training step; finishes a pass that was being stepped through instead. A run
    /// that reached its epochs or steps stops running, but a person may still step on (`manual`).
    func trainingStep(manual: Bool = false) {
        // In a job, a finished rank 0 has no partners left to step with.
        guard !diverged && (manual || !isFinished) && !(isFinished && reducer != nil) else { return }
        if pass != nil {
            finishBackward()
            return
        }
        guard startPass() else { return }
        finishBackward()
    }

    /// Runs one backward node, starting a pass (zero_grad, forward, loss) when none is under way.
    func backwardNode() {
        guard !diverged && !(isFinished && reducer != nil) else { return }
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
    func startPass() -> Bool {
        guard exchangeControl(), let batch = nextBatch() else { return false }
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
        pages.forward.step = step + 1
        let logits = forwardProbingDeadUnits { trainingForward(x) }
        recordBatch(batch, logits: logits)
        recordScatter(batch: batch)
        let loss = Tensor.crossEntropy(logits, y)
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
        if pages.inspecting { pages.nodes = Array(repeating: nil, count: pass!.capture.snapshot.nodes.count) }
        return true
    }

    func runOneNode(summarise: Bool = true) {
        guard var p = pass else { return }
        let result: BackwardStep?
        // Saved tensors are freed as their node runs: what they were is read just before.
        let next = pages.inspecting ? p.stepper.nextNode : nil
        let saved = next?.savedTensors.map { NodeRecord.Saved($0.name, $0.shape) } ?? []
        let savedScalar = next?.savedScalar.map { NodeRecord.Saved.Scalar($0.name, $0.value) }
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
        if pages.inspecting, let ranID { recordNode(result, id: ranID, capture: p.capture, saved: saved, savedScalar: savedScalar) }
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
    func completeStep() {
        guard let p = pass else { return }
        pass = nil
        accumulated += 1
        reduceGradients()
        let capture = captureBeforeStep()
        optimizer.step()
        step += 1
        recordStep(capture)
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
        recordStep(loss: p.value)
        if step % configuration.evaluateEvery == 0 { evaluate() }
        if let limit = configuration.steps, step >= limit { finish() }
    }

    func nextBatch() -> Batch? {
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

    func finish() {
        // A run ends with its test accuracy, whether or not the last step fell on --eval-every.
        if accuracies.last?.step != step { evaluate() }
        isFinished = true
        isRunning = false
        if message == nil { message = "finished: \(step) steps, epoch \(epoch + 1)" }
        events.append(.finished(step: step, epoch: epoch + 1))
    }

    func stop(message: String) {
        self.message = message
        isRunning = false
    }

    /// The loss is NaN or infinite: name the step and, through anomaly detection, the node.
    func diverge(loss: Tensor, value: Double) {
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

    func parametersWithGrad() -> [String] {
        zip(parameterNames, parameters).filter { $0.1.grad != nil }.map(\.0)
    }
}
