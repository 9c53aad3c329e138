import Autograd
import Models

/// The records behind the Model, Forward, Optimizer and Data pages, computed on the trainer's
/// queue around the real training step, and only for the page that is on screen.
extension TrainerCore {
    // MARK: commands

    func showPage(_ page: Page) {
        pages.visible = page
        pages.forward.target = page == .forward ? .training : .off
    }

    func selectParameter(_ index: Int) {
        guard parameters.indices.contains(index) else { return }
        if index != pages.selectedParameter { pages.optimizerUpdate = nil }
        pages.selectedParameter = index
    }

    /// `x`: takes the parameter out of the optimizer, or puts it back.
    func toggleHeld(_ index: Int) {
        guard parameters.indices.contains(index) else { return }
        held[index].toggle()
        optimizer.setHeld(parameters[index], held[index])
    }

    // MARK: around the step

    /// Called after the forward of a training step: the batch and the model's predictions.
    func recordBatch(_ batch: Batch, logits: Tensor) {
        guard pages.visible == .data else { return }
        let predictions = logits.max(dim: 1).indices.toArray(Int64.self).map(Int.init)
        pages.data = dataRecord(batch: batch, predictions: predictions)
    }

    /// What the Optimizer page needs from before `optimizer.step()` (nil when it is not shown).
    func captureBeforeStep() -> OptimizerStepCapture? {
        guard pages.visible == .optimizer else { return nil }
        let i = pages.selectedParameter
        return OptimizerStepCapture(parameter: parameters[i], name: parameterNames[i], held: held[i], optimizer: optimizer)
    }

    func recordStep(_ capture: OptimizerStepCapture?) {
        guard let capture else { return }
        pages.optimizerUpdate = capture.record(after: optimizer, step: step)
    }

    // MARK: data

    private func dataRecord(batch: Batch, predictions: [Int]) -> DataRecord {
        let k = PageState.orderShown
        if pages.orderPrefix?.epoch != epoch {
            pages.orderPrefix = (epoch, Array(loader.order(epoch: epoch).prefix(k)),
                                 epoch > 0 ? Array(loader.order(epoch: epoch - 1).prefix(k)) : nil)
        }
        let count = split.train.count
        let last = count % configuration.batchSize == 0 ? configuration.batchSize : count % configuration.batchSize
        return DataRecord(dataset: split.name, trainCount: count, testCount: split.test.count,
                          sampleShape: split.sampleShape, classNames: split.classNames,
                          batchSize: configuration.batchSize, batchesPerEpoch: loader.batchesPerEpoch,
                          lastBatchSize: last, shuffle: configuration.shuffle, epoch: epoch + 1,
                          order: pages.orderPrefix!.order, previousOrder: pages.orderPrefix!.previous,
                          batch: TrainerCore.batchRecord(batch, predictions: predictions,
                                                         number: epochBatches?.batchesDelivered ?? 0,
                                                         dataset: split.train))
    }

    /// The batch's images: colour images (CIFAR-10) as the data set stores them, read by the
    /// batch's indices; otherwise grey planes, channels averaged, each image stretched to 0…1.
    static func batchRecord(_ batch: Batch, predictions: [Int], number: Int, dataset: (any Dataset)? = nil) -> BatchRecord {
        let shape = batch.inputShape
        var images: [[Float]] = []
        var colourImages: [ImagePreview] = []
        var height = 0
        var width = 0
        if let stored = dataset as? ByteImageDataset, stored.storedShape.first == 3, shape.count == 4 {
            colourImages = batch.indices.map { stored.preview(at: $0) }
            height = stored.storedShape[1]
            width = stored.storedShape[2]
        } else if shape.count == 4 {
            let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
            height = h
            width = w
            for s in 0..<n {
                var plane = [Float](repeating: 0, count: h * w)
                for ch in 0..<c {
                    let base = (s * c + ch) * h * w
                    for i in 0..<(h * w) { plane[i] += batch.inputs[base + i] / Float(c) }
                }
                let lo = plane.min() ?? 0
                let hi = plane.max() ?? 0
                let span = hi > lo ? hi - lo : 1
                images.append(plane.map { ($0 - lo) / span })
            }
        }
        return BatchRecord(number: number, indices: batch.indices, labels: batch.labels.map(Int.init),
                           predictions: predictions, shape: shape, imageHeight: height, imageWidth: width, images: images,
                           colourImages: colourImages)
    }

    // MARK: evaluation

    /// Adds one test batch's results to a confusion matrix.
    static func count(truth: [Int64], predicted: [Int64], into counts: inout [[Int]]) {
        for (t, p) in zip(truth, predicted) where counts.indices.contains(Int(t)) && counts.indices.contains(Int(p)) {
            counts[Int(t)][Int(p)] += 1
        }
    }

    // MARK: the graph's nodes

    /// What one node did in this backward: the gradient it received, what it sent along each
    /// edge, where each edge goes (next_functions) and what it had saved.
    func recordNode(_ step: BackwardStep, id: Int, capture: GraphCapture, saved: [NodeRecord.Saved],
                    savedScalar: NodeRecord.Saved.Scalar?) {
        guard pages.nodes.indices.contains(id) else { return }
        var edges: [NodeRecord.Edge] = []
        for (edge, grad) in zip(step.node.nextEdges, step.gradsOut) {
            guard let edge else { continue }
            let target = capture.id(of: edge)
            edges.append(NodeRecord.Edge(to: target, name: edge.name, parameter: edge.variable?.name,
                                         gradient: grad.map(GradientSummary.init(of:))))
        }
        pages.nodes[id] = NodeRecord(id: id, name: step.node.name, module: capture.snapshot.node(id)?.module, step: self.step + 1,
                                     gradIn: step.gradIn.map(GradientSummary.init(of:)), edges: edges, saved: saved,
                                     savedScalar: savedScalar)
    }

    // MARK: the snapshot's field

    func pageRecords(previous: PageRecords) -> PageRecords {
        var r = PageRecords()
        var model = pages.model
        for i in model.parameters.indices {
            model.parameters[i].hasGrad = parameters[i].grad != nil
            model.parameters[i].device = parameters[i].device.description
        }
        r.model = model
        r.forward = pages.forward.training
        r.evaluationForward = pages.forward.evaluation
        r.data = pages.data
        r.confusion = pages.confusion
        r.nodes = pages.nodes
        if pages.visible == .optimizer {
            r.optimizer = optimizerRecord()
        } else {
            r.optimizer = previous.optimizer
        }
        return r
    }

    private func optimizerRecord() -> OptimizerRecord {
        var settings: [OptimizerSetting] = []
        func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
        if let sgd = optimizer as? SGD {
            settings = [OptimizerSetting("lr", number(sgd.learningRate)), OptimizerSetting("momentum", number(sgd.momentum)),
                        OptimizerSetting("dampening", number(sgd.dampening)),
                        OptimizerSetting("weight_decay", number(sgd.weightDecay)),
                        OptimizerSetting("nesterov", sgd.nesterov ? "True" : "False")]
        } else if let adam = optimizer as? AdamFamily {
            settings = [OptimizerSetting("lr", number(adam.learningRate)),
                        OptimizerSetting("betas", "(\(number(adam.betas.0)), \(number(adam.betas.1)))"),
                        OptimizerSetting("eps", number(adam.eps)), OptimizerSetting("weight_decay", number(adam.weightDecay))]
        }
        let list = parameters.indices.map { i in
            HeldParameter(name: parameterNames[i], held: held[i],
                          gradNorm: parameters[i].grad.map { $0.backendSumOfSquares.squareRoot() })
        }
        return OptimizerRecord(name: optimizer.name, settings: settings, parameters: list,
                               selected: pages.selectedParameter, update: pages.optimizerUpdate)
    }
}
