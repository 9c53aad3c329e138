@testable import Autograd
import Testing

/// Matrix products compute only the gradients an edge will take (PyTorch's
/// should_compute_output): a first layer's data input gets none, a frozen weight gets none, and
/// what is computed is what it was when every gradient was.
@Suite("Gradients nobody takes are not computed")
struct UnneededGradientTests {
    /// Steps backward from `loss` and returns the report of the first node named `name`.
    func step(named name: String, from loss: Tensor) throws -> BackwardStep {
        let stepper = try BackwardStepper(root: loss)
        var found: BackwardStep?
        while let step = try stepper.step() {
            if found == nil && step.node.name == name { found = step }
        }
        return try #require(found)
    }

    @Test func addmmSkipsTheDataInputsGradient() throws {
        var g = RandomGenerator(seed: 11)
        let x = Tensor.randn([4, 3], dtype: .float64, generator: &g)
        let w = try Tensor.randn([2, 3], dtype: .float64, generator: &g).requireGrad()
        let b = try Tensor.randn([2], dtype: .float64, generator: &g).requireGrad()
        let report = try step(named: "AddmmBackward0", from: Tensor.addmm(b, x, w.t()).sum())
        #expect(report.node.nextEdges[1] == nil)
        #expect(report.gradsOut[1] == nil, "no edge takes the data's gradient, so none is computed")
        let (wGrad, bGrad) = (try #require(w.grad).doubles, try #require(b.grad).doubles)

        // The same layer with the data requiring grad: every gradient computed, the same values.
        let xg = try x.detach().requireGrad()
        let w2 = try w.detach().requireGrad(), b2 = try b.detach().requireGrad()
        let full = try step(named: "AddmmBackward0", from: Tensor.addmm(b2, xg, w2.t()).sum())
        #expect(full.gradsOut[1] != nil)
        #expect(try #require(w2.grad).doubles == wGrad)
        #expect(try #require(b2.grad).doubles == bGrad)
        // d(sum)/dx = Σ over outputs of w: each row of x's gradient is w's column sums.
        let wv = w.doubles
        let columnSums = (0..<3).map { j in wv[j] + wv[3 + j] }
        #expect(try #require(xg.grad).doubles == Array((0..<4).map { _ in columnSums }.joined()))
    }

    @Test func addmmSkipsAFrozenWeightAndBias() throws {
        var g = RandomGenerator(seed: 12)
        let x = try Tensor.randn([4, 3], dtype: .float64, generator: &g).requireGrad()
        let w = Tensor.randn([2, 3], dtype: .float64, generator: &g)
        let b = Tensor.randn([2], dtype: .float64, generator: &g)
        let report = try step(named: "AddmmBackward0", from: Tensor.addmm(b, x, w.t()).sum())
        #expect(report.gradsOut[0] == nil && report.gradsOut[2] == nil)
        #expect(report.gradsOut[1] != nil)
        #expect(x.grad != nil && w.grad == nil && b.grad == nil)
    }

    @Test(arguments: [false, true])
    func mmAndBmmSkipWhatDoesNotRequireGrad(batched: Bool) throws {
        var g = RandomGenerator(seed: 13)
        let shapeA = batched ? [2, 4, 3] : [4, 3], shapeB = batched ? [2, 3, 5] : [3, 5]
        let a = try Tensor.randn(shapeA, dtype: .float64, generator: &g).requireGrad()
        let frozen = Tensor.randn(shapeB, dtype: .float64, generator: &g)
        let name = batched ? "BmmBackward0" : "MmBackward0"
        let report = try step(named: name, from: a.matmul(frozen).sum())
        #expect(report.gradsOut[0] != nil && report.gradsOut[1] == nil)

        // The gradient that is computed equals the one computed beside the other.
        let a2 = try a.detach().requireGrad(), b2 = try frozen.detach().requireGrad()
        try a2.matmul(b2).sum().backward()
        #expect(try #require(a.grad).doubles == (try #require(a2.grad).doubles))
        #expect(b2.grad != nil)
    }
}
