import Autograd
import Testing

/// A graph is freed once backward has run through it: nothing accumulates over iterations.
@Suite struct LeakTests {
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
        // times: a leak is permanent and grows with the iterations, their noise is neither.
        let x = try Tensor((0..<24).map { Double($0) / 24 } as [Double], shape: [4, 6]).requireGrad()
        func iteration() throws {
            let h = (x.mm(x.t()) * 0.5 + 1.0).relu().logSoftmax(dim: 1)
            let loss = Tensor.nllLoss(h, Tensor([0, 1, 2, 3])) + (x.exp().sum() / 10.0)
            try loss.backward()
            x.zeroGrad()
        }
        try iteration()
        let baseline = Tensor.liveCount
        let iterations = 200
        for _ in 0..<iterations { try iteration() }
        var leaked = Tensor.liveCount - baseline
        for _ in 0..<50 where leaked >= iterations {
            try? await Task.sleep(for: .milliseconds(20))
            leaked = Swift.min(leaked, Tensor.liveCount - baseline)
        }
        #expect(leaked < iterations, "\(leaked) more live tensors after \(iterations) iterations")
    }
}
