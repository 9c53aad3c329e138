import Autograd
import Testing

/// Anomaly detection names the first node whose backward produced NaN or Inf, and the forward op
/// that created it. (PyTorch checks for NaN only; blitz-tui also reports Inf.)
@Suite struct AnomalyTests {
    @Test func sqrtOfANegativeNumber() throws {
        let w = try Tensor([1, 2] as [Float]).requireGrad()
        let loss = (w * Tensor([-1, 1] as [Float])).sqrt().sum()
        let error = #expect(throws: AutogradError.self) { try detectAnomaly { try loss.backward() } }
        #expect(error == .anomaly(node: "SqrtBackward0", forwardOp: "sqrt", module: nil, output: 0, kind: "nan"))
        #expect(error?.description == "RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output. It was created by the forward op 'sqrt'.")
    }

    @Test func logOfZero() throws {
        let w = try Tensor([1, 2] as [Float]).requireGrad()
        let loss = (w * Tensor([0, 1] as [Float])).log().sum()
        let error = #expect(throws: AutogradError.self) { try detectAnomaly { try loss.backward() } }
        #expect(error == .anomaly(node: "LogBackward0", forwardOp: "log", module: nil, output: 0, kind: "inf"))
    }

    @Test func namesTheModuleThatCreatedTheNode() throws {
        let w = try Tensor([1, 2] as [Float]).requireGrad()
        let loss = ModuleScope.withCurrent("fc1") { (w * Tensor([-1, 1] as [Float])).sqrt() }.sum()
        let error = #expect(throws: AutogradError.self) { try detectAnomaly { try loss.backward() } }
        #expect(error?.description == "RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output. It was created by the forward op 'sqrt' in module 'fc1'.")
    }

    @Test func offByDefault() throws {
        let w = try Tensor([1, 2] as [Float]).requireGrad()
        try (w * Tensor([-1, 1] as [Float])).sqrt().sum().backward()
        #expect(w.grad?.floats[0].isNaN == true)
    }

    @Test func largeFiniteGradientsAreNotAnomalies() throws {
        // Their sum of squares overflows a Double; the elements themselves are finite.
        let w = try Tensor([1, -1] as [Double]).requireGrad()
        try detectAnomaly { try (w * 1e200).sum().backward() }
        #expect(w.grad?.doubles == [1e200, 1e200])
    }

    @Test func cleanGraphsPass() throws {
        let net = BlitzNetByHand(seed: 8)
        let batch = BlitzNetByHand.batch(seed: 9)
        try detectAnomaly { try net.loss(batch.images, batch.labels).backward() }
        #expect(net.parameters.allSatisfy { $0.grad != nil })
    }
}
