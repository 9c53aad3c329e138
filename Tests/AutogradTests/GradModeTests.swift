import Autograd
import Testing

/// no_grad, enable_grad and detach: when a graph is recorded and when it is not.
@Suite struct GradModeTests {
    @Test func noGradRecordsNothing() throws {
        let x = try Tensor([1, 2, 3] as [Float]).requireGrad()
        let w = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [3, 2]).requireGrad()
        let results: [Tensor] = noGrad {
            let h = (x * 2.0 + 1.0).unsqueeze(0).mm(w)
            return [h, h.relu().sum(), x.exp(), Tensor.mseLoss(x, x), x.to(.float64), x.view(3, 1)]
        }
        for r in results {
            #expect(r.gradFn == nil)
            #expect(!r.requiresGrad)
            #expect(r.isLeaf)
        }
        // [3, 5, 7] · [[1, 2], [3, 4], [5, 6]]
        #expect(results[0].floats == [53, 68] as [Float])
        #expect(throws: AutogradError.doesNotRequireGrad) { try results[1].backward() }
    }

    @Test func noGradIsScopedAndEnableGradNests() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        #expect(GradMode.isEnabled)
        let inner: Tensor = noGrad {
            #expect(!GradMode.isEnabled)
            return enableGrad { x * 2.0 }
        }
        #expect(GradMode.isEnabled)
        #expect(inner.gradFn?.name == "MulBackward0")
        #expect((x * 2.0).requiresGrad)
    }

    @Test func resultsOfInputsThatNeedNoGradRecordNothing() {
        let a = Tensor([1, 2] as [Float])
        let b = Tensor([3, 4] as [Float])
        let c = (a * b).exp()
        #expect(c.gradFn == nil)
        #expect(!c.requiresGrad)
    }

    @Test func detachSharesDataAndCutsTheGraph() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        let y = x * 3.0
        let d = y.detach()
        #expect(d.gradFn == nil)
        #expect(!d.requiresGrad)
        #expect(d.isLeaf)
        #expect(d.storage === y.storage)
        #expect(d.floats == [3, 6])
        // Backward through a graph that uses the detached value stops there.
        try (d * x).sum().backward()
        #expect(x.grad?.floats == [3, 6])
    }

    @Test func aDetachedLeafCanRequireGradOnItsOwn() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        let d = try x.detach().requireGrad()
        try (d * d).sum().backward()
        #expect(d.grad?.floats == [2, 4])
        #expect(x.grad == nil)
    }
}
