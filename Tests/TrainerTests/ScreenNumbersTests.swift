import Autograd
import Models
import Testing
import TestSupport
@testable import Trainer

/// The numbers the screen shows, recomputed here from the tensors themselves rather than read
/// back through the code that produced them: a norm without its square root, an accuracy that
/// compares with the wrong label, or a backward panel showing another node's gradient fails here.
@Suite(.serialized) struct ScreenNumbersTests {
    static func norm(_ values: [Double]) -> Double {
        var sum = 0.0
        for v in values { sum += v * v }
        return sum.squareRoot()
    }

    @Test func gradientNormsAreTheSquareRootOfTheSumOfSquares() throws {
        let core = try TrainerCore(configuration(steps: 5))
        core.trainingStep()
        core.trainingStep()
        let s = core.snapshot(version: 1, withParameterNorms: true, previous: TrainingSnapshot())
        #expect(s.parameters.count == core.parameters.count)
        for (stats, tensor) in zip(s.parameters, core.parameters) {
            let grad = try #require(tensor.grad, "\(stats.name) has no .grad after a step")
            let expected = Self.norm(grad.doubles)
            let shown = try #require(stats.gradNorm)
            #expect(abs(shown - expected) <= 1e-5 * expected, "\(stats.name): shown \(shown), √Σg² \(expected)")
            #expect(abs(stats.norm - Self.norm(tensor.doubles)) <= 1e-5 * stats.norm, "\(stats.name) weight norm")
            #expect(stats.shape == tensor.shape)
        }
    }

    @Test func testAccuracyIsTheCountOfCorrectPredictions() throws {
        var c = configuration(steps: 40)
        c.dataset = "spirals"
        c.model = "mlp"
        c.optimizer = .adam
        c.learningRate = 0.02
        c.batchSize = 32
        let core = try TrainerCore(c)
        for _ in 0..<40 { core.trainingStep() }
        core.evaluate()
        let shown = try #require(core.accuracies.last?.accuracy)

        // One sample at a time, by the hand-written loop's count (not the trainer's evaluation).
        let counted = HandLoop.accuracy(of: core.model, on: core.split.test)
        #expect(counted > 0.6, "trained past chance, so a wrong label comparison cannot pass by luck")
        #expect(abs(shown - counted) <= 1e-12, "shown \(shown), counted \(counted)")
        let snapshot = core.snapshot(version: 1, withParameterNorms: false, previous: TrainingSnapshot())
        #expect(snapshot.accuracies.last?.accuracy == shown)
    }

    /// The backward panel's received and passed-on gradients, node by node, against the engine's
    /// own BackwardStep for the same forward pass run by hand.
    @Test func backwardCursorShowsTheEnginesGradients() throws {
        let c = configuration(steps: 5)
        let core = try TrainerCore(c)

        let split = try DatasetCatalog.load(c.dataset, seed: c.seed)
        let model = try ModelCatalog.make(c.model, inputShape: split.sampleShape, classes: split.classCount, seed: c.seed)
        let loader = try DataLoader(split.train, batchSize: c.batchSize, shuffle: c.shuffle, seed: c.seed, dropLast: false)
        var batches = loader.epoch(0)
        let (inputs, labels) = try #require(batches.next()).tensors()
        let loss = Tensor.crossEntropy(model(inputs), labels)
        let stepper = try BackwardStepper(root: loss)

        for index in 0..<blitzOrder.count {
            core.backwardNode()
            let cursor = try #require(core.cursor)
            let step = try #require(try stepper.step())
            #expect(cursor.ranName == step.node.name, "node \(index)")
            let ran = try #require(cursor.ran.flatMap { core.graph?.node($0) })
            #expect(qualifiedName(ran) == blitzOrder[index])
            if let gradIn = step.gradIn {
                let shown = try #require(cursor.gradIn, "node \(index) \(step.node.name) shows no gradient in")
                #expect(shown.shape == gradIn.shape)
                #expect(abs(shown.norm - Self.norm(gradIn.doubles)) <= 1e-6 * max(1e-12, shown.norm))
                #expect(shown.firstValues == Array(gradIn.doubles.prefix(shown.firstValues.count)))
            }
            let valid = zip(step.node.nextEdges, step.gradsOut).filter { $0.0 != nil }.map(\.1)
            #expect(cursor.gradsOut.count == valid.count, "node \(index) \(step.node.name)")
            for (shown, grad) in zip(cursor.gradsOut, valid) {
                #expect((shown == nil) == (grad == nil))
                if let shown, let grad {
                    #expect(shown.shape == grad.shape)
                    #expect(abs(shown.norm - Self.norm(grad.doubles)) <= 1e-6 * max(1e-12, shown.norm))
                }
            }
        }
    }
}
