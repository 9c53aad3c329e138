import Autograd
import Models

/// One training step as the PyTorch reference runs it: `optimizer.zero_grad()`, forward,
/// CrossEntropyLoss, `loss.backward()`, `optimizer.step()` with SGD(lr 0.001, momentum 0.9).
/// The loss is not read back (PyTorch's loop doesn't either).
final class TrainStep {
    let model: Module
    let optimizer: SGD
    let criterion = CrossEntropyLoss()

    init(_ model: Module) {
        self.model = model
        optimizer = try! SGD(model.parameters(), lr: 0.001, momentum: 0.9)
    }

    func run(_ input: Tensor, _ labels: Tensor) {
        optimizer.zeroGrad()
        let loss = criterion(model(input), labels)
        try! loss.backward()
        optimizer.step()
    }
}
