@testable import Autograd
import Testing

/// The rarely used state of tensors and nodes lives in side objects made on first use
/// (Tensor+Extras.swift, Node+Extras.swift): ordinary intermediates carry none, and every
/// feature that needs one still works once it is made.
@Suite struct ExtrasTests {
    @Test func intermediatesAndTheirNodesCarryNoExtras() throws {
        let x = try Tensor([1, 2, 3] as [Float]).requireGrad()
        let y = (x * 2.0 + 1.0).sum()
        #expect(y.extras == nil)
        #expect(y.gradFn?.extras == nil)
        #expect(y.grad == nil && y.name == nil && !y.retainsGrad)
        try y.backward()
        // Backward gives the leaf its gradient and its AccumulateGrad node; the output stays bare.
        #expect(x.extras != nil && x.grad?.floats == [2, 2, 2])
        #expect(y.extras == nil)
    }

    @Test func clearingWhatWasNeverSetMakesNoSideObject() {
        let t = Tensor([1, 2] as [Float])
        t.grad = nil
        t.name = nil
        t.zeroGrad()
        t.zeroGrad(setToNone: false)
        #expect(t.extras == nil)
    }

    @Test func nameAndGradAreKeptAndCleared() {
        let t = Tensor([1, 2] as [Float])
        t.name = "fc1.weight"
        t.grad = Tensor([3, 4] as [Float])
        #expect(t.name == "fc1.weight")
        #expect(t.grad?.floats == [3, 4])
        t.zeroGrad(setToNone: false)
        #expect(t.grad?.floats == [0, 0])
        t.zeroGrad()
        t.name = nil
        #expect(t.grad == nil && t.name == nil)
    }

    @Test func accumulateGradNodesHoldTheirLeafAndOneIsSharedPerGraph() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        x.name = "x"
        let y = x * 2.0 + x * 3.0
        let accumulators = y.gradFn!.nextNodes.flatMap(\.nextNodes)
        #expect(accumulators.count == 2)
        #expect(accumulators[0] === accumulators[1])
        #expect(accumulators[0].isAccumulateGrad && accumulators[0].variable === x)
        #expect(accumulators[0].variable?.name == "x")
        #expect(y.gradFn?.variable == nil && y.gradFn?.isAccumulateGrad == false)
    }

    @Test func aNodeGetsExtrasOnlyForHooksOrRetainGrad() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        let hooked = x * 2.0
        let retained = x * 3.0
        let plain = x * 4.0
        hooked.registerHook { $0 * 10.0 }
        retained.retainGrad()
        #expect(hooked.gradFn?.extras?.preHooks.count == 1)
        #expect(retained.gradFn?.extras?.retainedGradTensor === retained)
        #expect(plain.gradFn?.extras == nil)
        try (hooked + retained + plain).sum().backward()
        // 2·10 + 3 + 4 per element; the retained output keeps the gradient it received.
        #expect(x.grad?.floats == [27, 27])
        #expect(retained.grad?.floats == [1, 1])
        #expect(hooked.grad == nil && plain.grad == nil)
    }

    @Test func aLeafHookLivesInTheLeafsExtras() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        x.registerHook { $0 + 1.0 }
        x.registerHook { $0 * 2.0 }
        #expect(x.hooks.count == 2)
        try (x * 1.0).sum().backward()
        #expect(x.grad?.floats == [4, 4])
    }
}
