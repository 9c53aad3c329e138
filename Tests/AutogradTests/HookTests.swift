import Autograd
import Testing

/// Hooks and retain_grad: seeing and changing gradients as backward passes by.
@Suite struct HookTests {
    @Test func leafHookObservesTheGradientBeforeItAccumulates() throws {
        let x = try Tensor([1, 2, 3] as [Float]).requireGrad()
        var seen: [[Float]] = []
        x.registerHook { g in seen.append(g.floats); return nil }
        try (x * x).sum().backward()
        #expect(seen == [[2, 4, 6]])
        #expect(x.grad?.floats == [2, 4, 6])
    }

    @Test func leafHookCanReplaceTheGradient() throws {
        // PyTorch: x.register_hook(lambda g: g * 10); (x * x).sum().backward() → x.grad = [20, 40, 60]
        let x = try Tensor([1, 2, 3] as [Float]).requireGrad()
        x.registerHook { $0 * 10.0 }
        try (x * x).sum().backward()
        #expect(x.grad?.floats == [20, 40, 60])
    }

    @Test func nonLeafHookChangesWhatFlowsOn() throws {
        let x = try Tensor([1, 2, 3] as [Float]).requireGrad()
        let y = x * 2.0
        var seen: [[Float]] = []
        y.registerHook { g in seen.append(g.floats); return nil }
        y.registerHook { $0 * 10.0 }
        try (y * y).sum().backward()
        #expect(seen == [[4, 8, 12]])
        #expect(x.grad?.floats == [80, 160, 240])
        #expect(y.grad == nil, "a non-leaf keeps no grad without retainGrad")
    }

    @Test func hooksRunInRegistrationOrder() throws {
        let x = try Tensor([1] as [Float]).requireGrad()
        let y = x * 1.0
        y.registerHook { $0 + 1.0 }
        y.registerHook { $0 * 3.0 }
        try y.sum().backward()
        #expect(x.grad?.floats == [(1 + 1) * 3])
    }

    @Test func retainGradKeepsANonLeafGradient() throws {
        let x = try Tensor([1, 2, 3] as [Float]).requireGrad()
        let y = x * 2.0
        y.retainGrad()
        #expect(y.retainsGrad)
        try (y * y).sum().backward(retainGraph: true)
        #expect(y.grad?.floats == [4, 8, 12])
        #expect(y.grad?.requiresGrad == false)
        // It accumulates like a leaf's.
        try (y * y).sum().backward()
        #expect(y.grad?.floats == [8, 16, 24])
    }

    @Test(arguments: [true, false])
    func retainedGradSeesEveryHookWhateverTheOrder(retainFirst: Bool) throws {
        // PyTorch runs the retain_grad hook after all others, whenever it was registered:
        // both orders give y.grad = [40, 80, 120] and x.grad = [80, 160, 240].
        let x = try Tensor([1, 2, 3] as [Float]).requireGrad()
        let y = x * 2.0
        if retainFirst { y.retainGrad() }
        y.registerHook { $0 * 10.0 }
        if !retainFirst { y.retainGrad() }
        try (y * y).sum().backward()
        #expect(y.grad?.floats == [40, 80, 120])
        #expect(x.grad?.floats == [80, 160, 240])
    }

    @Test func retainGradOnALeafChangesNothing() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        x.retainGrad()
        try (x * 3.0).sum().backward()
        #expect(x.grad?.floats == [3, 3])
    }
}
