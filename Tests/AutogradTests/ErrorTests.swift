import Autograd
import Testing

/// The engine's errors, thrown (never a crash) and worded as PyTorch words them.
@Suite struct ErrorTests {
    @Test func backwardTwiceThroughAFreedGraph() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        let y = (x * x).sum()
        try y.backward()
        #expect(throws: AutogradError.graphFreed(node: "MulBackward0")) { try y.backward() }
        do {
            try y.backward()
        } catch {
            #expect(error.description == (
                "RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."))
        }
    }

    @Test func retainGraphAllowsAnotherBackwardOnce() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        let y = (x * x).sum()
        try y.backward(retainGraph: true)
        try y.backward()
        #expect(x.grad?.floats == [4, 8])
        #expect(throws: AutogradError.graphFreed(node: "MulBackward0")) { try y.backward() }
    }

    @Test func aGraphThatSavedNothingCanRunAgain() throws {
        // As in PyTorch: only nodes with saved tensors refuse a second pass.
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        let y = (x + 1).sum()
        try y.backward()
        try y.backward()
        #expect(x.grad?.floats == [2, 2])
    }

    @Test func nonScalarBackwardNeedsAGradient() throws {
        let x = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3]).requireGrad()
        let y = x * 2.0
        #expect(throws: AutogradError.nonScalarBackward(shape: [2, 3])) { try y.backward() }
        do { try y.backward() } catch {
            #expect(error.description.hasPrefix("RuntimeError: grad can be implicitly created only for scalar outputs"))
        }
        // With a gradient of the right shape it works; of the wrong shape it is an error.
        try y.backward(Tensor.ones([2, 3]), retainGraph: true)
        #expect(x.grad?.floats == [2, 2, 2, 2, 2, 2])
        #expect(throws: AutogradError.gradientShapeMismatch(expected: [2, 3], got: [3])) {
            try y.backward(Tensor.ones([3]))
        }
        do { try y.backward(Tensor.ones([3])) } catch {
            #expect(error.description == "RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([2, 3]).")
        }
    }

    @Test func aOneElementTensorNeedsNoGradient() throws {
        let x = try Tensor([3] as [Float], shape: [1, 1]).requireGrad()
        try (x * x).backward()
        #expect(x.grad?.floats == [6])
    }

    @Test func int64CannotRequireGrad() {
        let labels = Tensor([1, 2, 3])
        #expect(throws: AutogradError.integerRequiresGrad(.int64)) { try labels.requireGrad() }
        do { try labels.requireGrad() } catch {
            #expect(error.description == "RuntimeError: only Tensors of floating point dtype can require gradients")
        }
        #expect(!labels.requiresGrad)
        // Saying it needs none is fine.
        #expect(throws: Never.self) { try labels.requireGrad(false) }
    }

    @Test func backwardOfATensorThatDoesNotRequireGrad() {
        let y = Tensor([1, 2] as [Float]).sum()
        #expect(throws: AutogradError.doesNotRequireGrad) { try y.backward() }
        do { try y.backward() } catch {
            #expect(error.description == "RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn")
        }
    }

    @Test func onlyLeavesCanStopRequiringGrad() throws {
        let y = try Tensor([1, 2] as [Float]).requireGrad() * 2.0
        #expect(throws: AutogradError.nonLeafRequiresGradChange) { try y.requireGrad(false) }
        do { try y.requireGrad(false) } catch {
            #expect(error.description == "RuntimeError: you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
        }
    }
}
