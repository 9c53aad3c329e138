import Autograd
import Testing

/// The stepper holds its graph through the root's node only (its slots hold nodes unretained):
/// the graph must live exactly as long as the pass, whatever the caller keeps.
@Suite struct StepperLifetimeTests {
    @Test func aStepperRunsItsGraphAfterTheCallerLetGoOfIt() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        weak var weakRoot: Node?
        let stepper: BackwardStepper = try {
            let loss = ((x * 2.0 + 1.0) * 3.0).sum()
            weakRoot = loss.gradFn
            return try BackwardStepper(root: loss)
        }()
        // The loss and every intermediate tensor are gone; only the stepper holds the graph.
        #expect(weakRoot != nil)
        var names: [String] = []
        while let step = try stepper.step() { names.append(step.node.name) }
        #expect(names == ["SumBackward0", "MulBackward0", "AddBackward0", "MulBackward0", "AccumulateGrad"])
        #expect(x.grad?.floats == [6, 6])
        // The pass is over: the stepper lets go of the graph even though it still exists.
        #expect(weakRoot == nil)
        #expect(stepper.isFinished && stepper.nextNode == nil)
    }

    @Test func nextNodeNamesEachNodeBeforeItRuns() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        let stepper = try BackwardStepper(root: (x.exp() * 2.0).sum())
        while let next = stepper.nextNode {
            let step = try #require(try stepper.step())
            #expect(step.node === next)
        }
        #expect(x.grad?.floats == x.exp().floats.map { $0 * 2 })
    }
}
