import Autograd
import Testing

/// AccumulateGrad keeps a leaf's first gradient as it is when nothing else holds it (as
/// PyTorch's steals it) and gives `.grad` a tensor of its own otherwise: two leaves never share
/// one gradient object, and a gradient a hook or the stepper's report kept is not the `.grad`.
@Suite struct AccumulateGradTests {
    @Test func oneGradientFlowingToTwoLeavesGivesEachItsOwnTensor() throws {
        // AddBackward0 passes the same gradient object along both edges.
        let a = try Tensor([1, 2] as [Float]).requireGrad()
        let b = try Tensor([3, 4] as [Float]).requireGrad()
        try ((a + b) * 3.0).sum().backward()
        let ga = try #require(a.grad), gb = try #require(b.grad)
        #expect(ga !== gb)
        #expect(ga.floats == [3, 3] && gb.floats == [3, 3])
        #expect(!ga.requiresGrad && ga.gradFn == nil)
    }

    @Test func aGradientAHookKeptIsNotTheGrad() throws {
        let x = try Tensor([1, 2, 3] as [Float]).requireGrad()
        var seen: Tensor?
        x.registerHook { g in seen = g; return nil }
        try (x * 2.0).sum().backward()
        let kept = try #require(seen), grad = try #require(x.grad)
        #expect(kept !== grad)
        #expect(grad.floats == [2, 2, 2])
    }

    @Test func theStepperReportsTheGradientThatArrivedAndGradIsAnother() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        let stepper = try BackwardStepper(root: (x * 5.0).sum())
        var arrived: Tensor?
        while let step = try stepper.step() {
            if step.node.isAccumulateGrad { arrived = step.gradIn }
        }
        let grad = try #require(x.grad)
        #expect(try #require(arrived) !== grad)
        #expect(grad.floats == [5, 5])
    }

    @Test func laterGradientsAccumulateIntoTheKeptOne() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        try (x * 2.0).sum().backward()
        try (x * 3.0).sum().backward()
        #expect(x.grad?.floats == [5, 5])
        x.zeroGrad()
        try (x * x).sum().backward()
        #expect(x.grad?.floats == [2, 4])
    }
}
