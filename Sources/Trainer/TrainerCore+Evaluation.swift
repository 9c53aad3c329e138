import Autograd
import Models

extension TrainerCore {
    /// Test accuracy under no_grad, in eval mode.
    func evaluate() {
        model.eval()
        defer { model.train() }
        var correct = 0
        var total = 0
        var counts = Array(repeating: Array(repeating: 0, count: split.classCount), count: split.classCount)
        // The Forward page shows the first test batch's pass (eval mode, no_grad) beside training's.
        let target = pages.forward.target
        defer { pages.forward.target = target }
        pages.forward.step = step
        noGrad {
            for (b, batch) in testLoader.epoch(0).enumerated() {
                let (inputs, labels) = batch.tensors()
                guard let x = try? inputs.to(configuration.device) else { return }
                pages.forward.target = b == 0 && pages.visible == .forward ? .evaluation : .off
                let predicted = model(x).max(dim: 1).indices.toArray(Int64.self)
                let truth = labels.toArray(Int64.self)
                for i in 0..<truth.count where predicted[i] == truth[i] { correct += 1 }
                TrainerCore.count(truth: truth, predicted: predicted, into: &counts)
                total += truth.count
            }
        }
        guard total > 0 else { return }
        pages.confusion = ConfusionMatrix(step: step, classNames: split.classNames, counts: counts)
        let accuracy = Double(correct) / Double(total)
        accuracies.appendBounded(AccuracyPoint(step: step, epoch: epoch + 1, accuracy: accuracy))
        events.append(.evaluation(step: step, epoch: epoch + 1, accuracy: accuracy))
    }
}
