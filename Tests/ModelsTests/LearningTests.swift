import Autograd
import Models
import Testing

/// The models learn real tasks on this engine. Short enough for `make test`; the blitz's full
/// recipe (10 epochs, SGD lr 0.001 momentum 0.9, batch 4, where PyTorch reaches 97–98%) runs
/// in `make test-long`.
@Suite struct LearningTests {
    /// Trains for `epochs` and returns test accuracy.
    func train(_ model: Module, on split: DatasetSplit, optimizer: any Optimizer, batchSize: Int, epochs: Int) throws -> Double {
        let loader = try DataLoader(split.train, batchSize: batchSize, shuffle: true, seed: 1)
        let criterion = CrossEntropyLoss()
        model.train()
        for epoch in 0..<epochs {
            for batch in loader.epoch(epoch) {
                let (x, y) = batch.tensors()
                optimizer.zeroGrad()
                let loss = criterion(model(x), y)
                try loss.backward()
                optimizer.step()
            }
        }
        model.eval()
        var correct = 0
        let test = try DataLoader(split.test, batchSize: 256, prefetch: 0)
        noGrad {
            for batch in test.epoch(0) {
                let (x, y) = batch.tensors()
                let predicted = model(x).max(dim: 1).indices.toArray(Int64.self)
                correct += zip(predicted, y.toArray(Int64.self)).filter { $0 == $1 }.count
            }
        }
        return Double(correct) / Double(split.test.count)
    }

    @Test func mlpLearnsSpirals() throws {
        let split = try DatasetCatalog.load("spirals", seed: 0)
        let model = try ModelCatalog.make("mlp:64,64", inputShape: split.sampleShape, classes: split.classCount, seed: 0)
        let accuracy = try train(model, on: split, optimizer: try Adam(model.parameters(), lr: 0.01), batchSize: 32, epochs: 60)
        #expect(accuracy > 0.9, "spirals test accuracy \(accuracy)")
    }

    @Test func blitzNetLearnsDigits() throws {
        let split = try DatasetCatalog.load("digits", seed: 0)
        let model = try ModelCatalog.make("blitz-net", inputShape: split.sampleShape, classes: split.classCount, seed: 0)
        let accuracy = try train(model, on: split, optimizer: try Adam(model.parameters(), lr: 0.002), batchSize: 32, epochs: 3)
        #expect(accuracy > 0.85, "digits test accuracy \(accuracy)")
    }
}
