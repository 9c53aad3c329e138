import Autograd
import Models

extension TrainerCore {
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
        accuracies.appendBounded(AccuracyPoint(step: step, epoch: epoch + 1, accuracy: accuracy))
        events.append(.evaluation(step: step, epoch: epoch + 1, accuracy: accuracy))
    }
}
