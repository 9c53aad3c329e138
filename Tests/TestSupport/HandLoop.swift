import Autograd
import Models
import Trainer

/// The blitz's training loop written out by hand over the library, the way the tutorial writes it:
/// zero_grad, forward, loss, backward, step, and an evaluation that counts correct predictions
/// itself. The wiring tests run the real binary with a flag and compare what it printed with this
/// loop run on the same configuration, so a flag that is ignored or wired to the wrong thing
/// (`adam` building AdamW, `--no-shuffle` dropped) shows up as different numbers.
public struct HandLoop {
    public struct Run: Equatable {
        public var losses: [Double] = []
        /// Test accuracy by the step it was measured after.
        public var accuracies: [Int: Double] = [:]
    }

    /// Trains `configuration` for its `steps` and evaluates after every step in `evaluateAt`.
    public static func run(_ configuration: TrainingConfiguration, evaluateAt: Set<Int> = []) throws -> Run {
        let c = configuration
        let split = try DatasetCatalog.load(c.dataset, seed: c.seed)
        let model = try ModelCatalog.make(c.model, inputShape: split.sampleShape, classes: split.classCount, seed: c.seed)
        let parameters = model.parameters()
        let optimizer: any Optimizer
        switch c.optimizer {
        case .sgd: optimizer = try SGD(parameters, lr: c.learningRate, momentum: c.momentum, weightDecay: c.weightDecay)
        case .adam: optimizer = try Adam(parameters, lr: c.learningRate, weightDecay: c.weightDecay)
        case .adamw: optimizer = try AdamW(parameters, lr: c.learningRate, weightDecay: c.weightDecay)
        }
        let loader = try DataLoader(split.train, batchSize: c.batchSize, shuffle: c.shuffle, seed: c.seed, dropLast: false)
        var run = Run()
        let steps = c.steps ?? c.epochs * loader.batchesPerEpoch
        var epoch = 0
        var batches = loader.epoch(epoch)
        while run.losses.count < steps {
            guard let batch = batches.next() else {
                epoch += 1
                batches = loader.epoch(epoch)
                continue
            }
            optimizer.zeroGrad(setToNone: true)
            let (inputs, labels) = batch.tensors()
            let loss = Tensor.crossEntropy(model(inputs), labels)
            try loss.backward()
            optimizer.step()
            run.losses.append(loss.item())
            if evaluateAt.contains(run.losses.count) {
                run.accuracies[run.losses.count] = accuracy(of: model, on: split.test)
            }
        }
        return run
    }

    /// Correct predictions over the whole test split, counted one sample at a time.
    public static func accuracy(of model: Module, on test: any Dataset) -> Double {
        model.eval()
        defer { model.train() }
        var correct = 0
        noGrad {
            for index in 0..<test.count {
                let batch = Batch.gather([index], from: test)
                let (input, label) = batch.tensors()
                let predicted = model(input).max(dim: 1).indices.toArray(Int64.self)[0]
                if predicted == label.toArray(Int64.self)[0] { correct += 1 }
            }
        }
        return Double(correct) / Double(test.count)
    }
}
