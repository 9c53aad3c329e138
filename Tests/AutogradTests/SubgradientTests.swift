import Autograd
import Testing

/// Where a function has no derivative (ties, kinks) finite differences cannot judge; these are
/// the gradients real PyTorch returns there.
@Suite struct SubgradientTests {
    let x = try! Tensor([1, 3, 3, 2, 2, 0] as [Float], shape: [2, 3]).requireGrad()

    @Test func maxOfAllSharesTheGradientAmongTies() throws {
        try x.max().backward()
        #expect(x.grad?.floats == [0, 0.5, 0.5, 0, 0, 0])
    }

    @Test func maxAlongADimensionGivesItToTheFirstTie() throws {
        let (values, indices) = x.max(dim: 1)
        #expect(indices.toArray(Int64.self) == [1, 0])
        try values.sum().backward()
        #expect(x.grad?.floats == [0, 1, 0, 1, 0, 0])
    }

    @Test func maxPoolGivesItToTheFirstTie() throws {
        let y = try Tensor([1, 1, 1, 1] as [Float], shape: [1, 1, 2, 2]).requireGrad()
        try Tensor.maxPool2d(y, kernelSize: (2, 2)).sum().backward()
        #expect(y.grad?.floats == [1, 0, 0, 0])
    }

    @Test func reluAtZeroPassesNothing() throws {
        let z = try Tensor([0, 1] as [Float]).requireGrad()
        try z.relu().sum().backward()
        #expect(z.grad?.floats == [0, 1])
    }
}
