import Autograd
import Testing

/// int64 tensors in float ops: promoted to float32 where PyTorch promotes, refused with PyTorch's
/// message where PyTorch computes in int64 but these kernels cannot. (The expected values are what
/// PyTorch 2.15 prints for the same calls.)
@Suite struct DTypeRuleTests {
    @Test func integerToFloatOpsPromoteToFloat32() {
        let x = Tensor([1, 2, 4])
        #expect(x.dtype == .int64)
        let e = x.exp()
        #expect(e.dtype == .float32)
        let expected: [Float] = [2.7182817, 7.389056, 54.59815]  // torch.tensor([1, 2, 4]).exp()
        #expect(zip(e.floats, expected).allSatisfy { abs($0 - $1) <= 1e-6 * $1 })
        #expect(x.sqrt().floats == [1, Float(2).squareRoot(), 2])
        #expect(x.log().dtype == .float32)
        #expect(x.sigmoid().dtype == .float32)
        #expect(x.tanh().dtype == .float32)
        #expect(x.pow(2).floats == [1, 4, 16])
    }

    @Test func aFloatScalarMakesTheResultFloat32() {
        let x = Tensor([1, 2, 4])
        #expect((x * 0.5).floats == [0.5, 1, 2])
        #expect((x + 0.5).floats == [1.5, 2.5, 4.5])
        #expect((x - 1.0).floats == [0, 1, 3])
        #expect((1.0 - x).floats == [0, -1, -3])
        #expect((x / 2.0).floats == [0.5, 1, 2])
        #expect((x / Tensor([2, 2, 2])).floats == [0.5, 1, 2])
    }

    static func stderr(of result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    @Test func reluOfInt64NamesTheKernelAndTheType() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, -2]).relu()
        }
        #expect(Self.stderr(of: result).contains("\"relu\" not implemented for 'Long'"))
    }

    @Test func logSoftmaxOfInt64IsPyTorchsMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, 2, 3, 4], shape: [2, 2]).logSoftmax(dim: 1)
        }
        #expect(Self.stderr(of: result).contains("\"log_softmax_lastdim_kernel_impl\" not implemented for 'Long'"))
    }

    @Test func meanOfInt64IsPyTorchsMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, 2]).mean()
        }
        #expect(Self.stderr(of: result).contains(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long"))
    }

    @Test func matmulOfMixedDtypesIsPyTorchsMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let a = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
            _ = a.mm(Tensor([1, 2, 3, 4] as [Double], shape: [2, 2]))
        }
        #expect(Self.stderr(of: result).contains("expected m1 and m2 to have the same dtype, but got: float != double"))
    }
}
