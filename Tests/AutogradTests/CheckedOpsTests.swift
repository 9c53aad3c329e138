import Autograd
import Testing

/// The op checks shared by the ops (which stop on them) and by code that catches them: the
/// same PyTorch texts either way (pinned against PyTorch in Tests/Fixtures/lessons).
@Suite struct CheckedOpsTests {
    @Test func deviceMismatchNamesTheGPUFirstAsPyTorchDoes() {
        let text = "RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"
        #expect(Device.mismatch([.cuda(0), .cpu])?.description == text)
        #expect(Device.mismatch([.cpu, .cuda(0)])?.description == text)
        #expect(Device.mismatch([.cuda(0), .cuda(1)]) == .deviceMismatch(common: .cuda(0), other: .cuda(1)))
        #expect(Device.mismatch([.cpu, .cpu]) == nil)
        #expect(Device.mismatch([]) == nil)
    }

    @Test func checkedAddOnOneDeviceIsTheAdd() throws {
        let a = Tensor([1, 2] as [Float]), b = Tensor([3, 4] as [Float])
        #expect(try Tensor.checkedAdd(a, b).floats == [4, 6])
        #expect(throws: Never.self) { try Tensor.checkSameDevice([a, b]) }
    }

    @Test func linearWithoutFlattenThrowsPyTorchsText() {
        var generator = RandomGenerator(seed: 1)
        let fc1 = Linear(400, 120, generator: &generator)
        let input = Tensor.zeros([4, 16, 5, 5])
        #expect(throws: AutogradError.shapesCannotBeMultiplied(op: "addmm", mat1: [320, 5], mat2: [400, 120])) {
            try fc1.checkedCall(input)
        }
        #expect(Tensor.addmmShapeError(input: [4, 16, 5, 5], mat2: [400, 120])?.description
                == "RuntimeError: addmm: mat1 and mat2 shapes cannot be multiplied (320x5 and 400x120)")
        #expect(Tensor.addmmShapeError(input: [4, 400], mat2: [400, 120]) == nil)
        #expect(Tensor.addmmShapeError(input: [5], mat2: [400, 120])?.description
                == "RuntimeError: addmm: mat1 and mat2 shapes cannot be multiplied (1x5 and 400x120)")
    }

    @Test func checkedCallRunsTheLayerWithItsHooks() throws {
        var generator = RandomGenerator(seed: 2)
        let layer = Linear(3, 2, generator: &generator)
        var fired = 0
        layer.registerForwardHook { _, _, _ in
            fired += 1
            return nil
        }
        let x = Tensor.ones([4, 3])
        let checked = try layer.checkedCall(x)
        #expect(checked.floats == layer(x).floats)
        #expect(checked.gradFn?.name == "AddmmBackward0")
        #expect(fired == 2)
    }

    @Test func nonLeafGradWarnsUntilRetained() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        #expect(x.gradAccessWarning == nil)
        let h = x * x
        #expect(h.gradAccessWarning?.hasPrefix("UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed.") == true)
        h.retainGrad()
        #expect(h.gradAccessWarning == nil)
        try h.sum().backward()
        #expect(h.grad?.floats == [1, 1])
    }
}
