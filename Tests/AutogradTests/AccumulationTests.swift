import Autograd
import Testing

/// `.grad` accumulates across backward passes until it is zeroed, as in PyTorch.
@Suite struct AccumulationTests {
    @Test func secondBackwardGivesExactlyTwiceTheGradient() throws {
        let net = BlitzNetByHand(seed: 3)
        let batch = BlitzNetByHand.batch(seed: 4)
        let loss = net.loss(batch.images, batch.labels)
        try loss.backward(retainGraph: true)
        let first = net.parameters.map { $0.grad!.floats }
        try loss.backward()
        for (p, once) in zip(net.parameters, first) {
            // g + g is exact in floating point: bit for bit twice the first gradient.
            #expect(p.grad!.floats == once.map { $0 * 2 }, "\(p.name!)")
        }
    }

    /// Two steppers over one retained graph, the second started while the first is half-way:
    /// each still delivers exactly one backward's worth (the engine's per-node slots are
    /// restamped by the second and the first must notice).
    @Test func interleavedSteppersEachDeliverOneBackward() throws {
        let net = BlitzNetByHand(seed: 5)
        let batch = BlitzNetByHand.batch(seed: 6)
        let loss = net.loss(batch.images, batch.labels)
        try loss.backward(retainGraph: true)
        let once = net.parameters.map { $0.grad!.floats }
        let first = try BackwardStepper(root: loss, retainGraph: true)
        for _ in 0..<5 { try first.step() }
        let second = try BackwardStepper(root: loss, retainGraph: true)
        for _ in 0..<3 { try second.step() }
        try first.finish()
        try second.finish()
        for (p, g) in zip(net.parameters, once) {
            // g + g + g, summed in that order both times: exact.
            #expect(p.grad!.floats == g.map { $0 + $0 + $0 }, "\(p.name!)")
        }
    }

    @Test func aFreshForwardAlsoAccumulates() throws {
        let x = try Tensor([1, 2, 3] as [Double]).requireGrad()
        try (x * x).sum().backward()
        try (x * 3.0).sum().backward()
        #expect(x.grad?.doubles == [2 + 3, 4 + 3, 6 + 3])
    }

    @Test func zeroGradSetsToNoneByDefault() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        try (x * x).sum().backward()
        #expect(x.grad != nil)
        x.zeroGrad()
        #expect(x.grad == nil)
        try (x * 5.0).sum().backward()
        #expect(x.grad?.floats == [5, 5])
    }

    @Test func zeroGradCanSetToZeros() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        try (x * x).sum().backward()
        x.zeroGrad(setToNone: false)
        let zeroed = try #require(x.grad)
        #expect(zeroed.floats == [0, 0])
        #expect(zeroed.shape == x.shape)
        #expect(zeroed.dtype == x.dtype)
        #expect(!zeroed.requiresGrad)
        try (x * 5.0).sum().backward()
        #expect(x.grad?.floats == [5, 5])
    }

    @Test func zeroGradToZerosLeavesAMissingGradMissing() {
        // PyTorch's zero_(set_to_none=False) only touches grads that exist.
        let x = try! Tensor([1, 2] as [Float]).requireGrad()
        x.zeroGrad(setToNone: false)
        #expect(x.grad == nil)
    }

    @Test func accumulatedGradIsNotPartOfAnyGraph() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        try (x * x).sum().backward()
        try (x * x).sum().backward()
        #expect(x.grad?.requiresGrad == false)
        #expect(x.grad?.gradFn == nil)
    }

    @Test func aLeafUsedTwiceGetsTheSumOfBothPaths() throws {
        let x = try Tensor([2] as [Double]).requireGrad()
        try (x * x + x.exp()).sum().backward()
        #expect(x.grad?.doubles == [2 * 2 + 2.0.exponential])
    }
}

private extension Double {
    var exponential: Double { Tensor([self] as [Double]).exp().item() }
}
