import Autograd
import Testing

/// A graph is freed once backward has run through it: nothing accumulates over iterations.
/// Serialized: `liveTensorCountSeesALeak` keeps a thousand tensors alive on purpose, which the
/// baseline test beside it would count as its own leak.
@Suite(.serialized) struct LeakTests {
    @Test func graphsAreFreedAfterBackward() throws {
        let net = BlitzNetByHand(seed: 11)
        let batch = BlitzNetByHand.batch(2, seed: 12)
        weak var weakLoss: Tensor?
        weak var weakRoot: Node?
        weak var weakAccumulator: Node?
        try {
            let loss = net.loss(batch.images, batch.labels)
            weakLoss = loss
            weakRoot = loss.gradFn
            weakAccumulator = reachableNodes(from: loss).first { $0.isAccumulateGrad }
            try loss.backward()
        }()
        #expect(weakLoss == nil)
        #expect(weakRoot == nil)
        #expect(weakAccumulator == nil, "AccumulateGrad nodes go with their graph")
    }

    @Test func liveTensorCountReturnsToItsBaseline() async throws {
        // Other suites run in parallel and create tensors too, so the count is sampled a few
        // times: a leak is permanent and grows with the iterations, their noise is neither. A
        // thousand iterations against a bound of a hundred: one tensor leaked per iteration fails.
        Tensor.countLiveTensors()
        let x = try Tensor((0..<24).map { Double($0) / 24 } as [Double], shape: [4, 6]).requireGrad()
        func iteration() throws {
            let h = (x.mm(x.t()) * 0.5 + 1.0).relu().logSoftmax(dim: 1)
            let loss = Tensor.nllLoss(h, Tensor([0, 1, 2, 3])) + (x.exp().sum() / 10.0)
            try loss.backward()
            x.zeroGrad()
        }
        let leaked = try await growthOfLiveCount(over: 1000, iteration)
        #expect(leaked < 100, "\(leaked) more live tensors after 1000 iterations")
    }

    /// The same count sees a leak: an iteration that keeps one tensor alive grows it by one.
    @Test func liveTensorCountSeesALeak() async throws {
        Tensor.countLiveTensors()
        let x = try Tensor([1, 2, 3] as [Float]).requireGrad()
        var kept: [Tensor] = []
        let growth = try await growthOfLiveCount(over: 1000) {
            let loss = (x * 2.0).sum()
            try loss.backward()
            kept.append(loss)
        }
        // Not exactly 1000: counted tensors of suites running beside this one may go meanwhile.
        #expect(growth >= 500, "only \(growth) more live tensors while keeping 1000")
        #expect(kept.count == 1001)
    }

    /// How far `Tensor.liveCount` rose over `iterations` calls of `iteration` after a first one
    /// (which may make lasting things, such as a leaf's gradient). Other suites run in parallel
    /// and create tensors too, so the count is sampled a few times and the lowest rise kept: a
    /// leak is permanent and grows with the iterations, their noise is neither. A thousand
    /// iterations against a bound of a hundred: one tensor leaked per iteration shows.
    private func growthOfLiveCount(over iterations: Int, _ iteration: () throws -> Void) async throws -> Int {
        try iteration()
        let baseline = Tensor.liveCount
        for _ in 0..<iterations { try iteration() }
        var growth = Tensor.liveCount - baseline
        for _ in 0..<100 where growth >= iterations / 10 {
            try? await Task.sleep(for: .milliseconds(20))
            growth = Swift.min(growth, Tensor.liveCount - baseline)
        }
        return growth
    }

    /// Exact, whatever runs beside it: every node of an iteration's graph, and every tensor the
    /// iteration made, is gone once backward has run and the iteration's variables are out of scope.
    @Test func everyNodeAndTensorOfAnIterationIsFreed() throws {
        let x = try Tensor((0..<24).map { Double($0) / 24 } as [Double], shape: [4, 6]).requireGrad()
        var nodes: [() -> Node?] = []
        var tensors: [() -> Tensor?] = []
        for _ in 0..<3 {
            try {
                let product = x.mm(x.t())
                let h = (product * 0.5 + 1.0).relu().logSoftmax(dim: 1)
                let loss = Tensor.nllLoss(h, Tensor([0, 1, 2, 3])) + (x.exp().sum() / 10.0)
                for node in reachableNodes(from: loss) {
                    weak var weakNode = node
                    nodes.append { weakNode }
                }
                for tensor in [product, h, loss] {
                    weak var weakTensor = tensor
                    tensors.append { weakTensor }
                }
                try loss.backward()
                x.zeroGrad()
            }()
        }
        #expect(nodes.count > 3 * 8)
        #expect(nodes.filter { $0() != nil }.count == 0, "nodes outlive their graph")
        #expect(tensors.filter { $0() != nil }.count == 0, "tensors outlive their iteration")
    }
}
