@testable import Autograd
import Testing

/// `t()` of a matrix is left uncopied until something other than a matrix product reads it
/// (Tensor+LazyTranspose.swift): every way of reading it gives the transpose's values, and the
/// products and gradients that skip the copy give what the copied matrix gave.
@Suite("Pending transposes")
struct PendingTransposeTests {
    let a = Tensor((0..<6).map { Double($0) }, shape: [2, 3])

    /// The transpose written out element by element.
    func transposed(_ m: Tensor) -> [Double] {
        let v = m.doubles
        let (r, c) = (m.shape[0], m.shape[1])
        return (0..<c).flatMap { j in (0..<r).map { i in v[i * c + j] } }
    }

    @Test func tOfAMatrixIsPendingAndReadsAsTheTranspose() {
        let t = a.t()
        #expect(t.isPendingTranspose)
        #expect(t.shape == [3, 2])
        #expect(!t.isContiguous)
        #expect(t.count == 6 && t.device == .cpu)
        #expect(t.isPendingTranspose, "asking for the count or device must not copy")
        #expect(t.doubles == transposed(a))
        #expect(!t.isPendingTranspose, "reading the elements copies them once")
        #expect(t.doubles == transposed(a))
    }

    @Test func everyOtherReaderSeesTheTranspose() {
        #expect((a.t() + 1.0).doubles == transposed(a).map { $0 + 1 })
        #expect(a.t().contiguous().doubles == transposed(a))
        #expect(a.t().reshape([6]).doubles == transposed(a))
        #expect(a.t().detach().doubles == transposed(a))
        #expect(a.t().t().doubles == a.doubles)
        #expect(!a.t().t().isPendingTranspose)
        #expect(a.t().sum(dim: 0).doubles == [3, 12])
    }

    @Test(arguments: [false, true])
    func productsReadThePendingTransposeInPlace(reference: Bool) {
        let backend: any Backend = reference ? Backends.reference : Backends.cpu
        Backends.withCPUBackend(backend) {
            var g = RandomGenerator(seed: 3)
            let x = Tensor.randn([4, 3], dtype: .float64, generator: &g)
            let w = Tensor.randn([5, 3], dtype: .float64, generator: &g)
            let copied = Tensor(w.t().doubles, shape: [3, 5])
            #expect(x.mm(w.t()).doubles == x.mm(copied).doubles)
            #expect(w.t().t().mm(x.t()).doubles == w.mm(Tensor(x.t().doubles, shape: [3, 4])).doubles)
            let bias = Tensor.randn([5], dtype: .float64, generator: &g)
            #expect(Tensor.addmm(bias, x, w.t()).doubles == Tensor.addmm(bias, x, copied).doubles)
        }
    }

    /// Linear's weight gradient comes back through TBackward0 without a copy, and equals the
    /// one computed from a weight that was never transposed lazily.
    @Test func linearWeightGradientMatchesTheCopiedPath() throws {
        var g = RandomGenerator(seed: 5)
        let x = Tensor.randn([4, 3], dtype: .float64, generator: &g)
        let w = try Tensor.randn([2, 3], dtype: .float64, generator: &g).requireGrad()
        let b = try Tensor.randn([2], dtype: .float64, generator: &g).requireGrad()
        try (Tensor.addmm(b, x, w.t()) * 3.0).sum().backward()
        let lazyGrad = try #require(w.grad)
        #expect(!lazyGrad.isPendingTranspose)

        let w2 = try Tensor(w.doubles, shape: [2, 3]).requireGrad()
        let wt = w2.t()
        _ = wt.doubles  // copied before the product: the old path
        #expect(!wt.isPendingTranspose)
        try (Tensor.addmm(b.detach(), x, wt) * 3.0).sum().backward()
        let copiedGrad = try #require(w2.grad)
        for (p, q) in zip(lazyGrad.doubles, copiedGrad.doubles) { #expect(abs(p - q) <= 1e-12 * max(1, abs(q))) }
        // dL/dW = 3·1ᵀx for every row.
        let columnSums = (0..<3).map { j in (0..<4).reduce(0.0) { $0 + x.doubles[$1 * 3 + j] } }
        for (p, q) in zip(lazyGrad.doubles, columnSums + columnSums) { #expect(abs(p - 3 * q) <= 1e-12 * max(1, abs(q))) }
    }

    @Test func aHookOnTheTransposeSeesItsGradientInItsShape() throws {
        let w = try Tensor([1, 2, 3, 4, 5, 6] as [Double], shape: [2, 3]).requireGrad()
        let x = Tensor([1, 0, 2] as [Double], shape: [1, 3])
        let t = w.t()
        var seen: [Double] = []
        t.registerHook { grad in
            seen = grad.doubles
            return nil
        }
        try x.mm(t).sum().backward()
        // d(sum(x·Wᵀ))/d(Wᵀ) = xᵀ·1: column j of Wᵀ's gradient is x.
        #expect(seen == [1, 1, 0, 0, 2, 2])
        #expect(w.grad?.doubles == [1, 0, 2, 1, 0, 2])
    }
}
