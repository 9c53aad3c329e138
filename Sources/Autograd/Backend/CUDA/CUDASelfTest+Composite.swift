/// The composite half of the self-test: small models built from the public ops, run forward
/// and backward on each backend from the same leaves; the loss and every leaf's gradient must
/// agree. This exercises the kernels as the engine chains them (broadcast sums in backward,
/// transposed GEMMs, col2im through conv's input gradient, scatterAdd through the losses).
extension CUDASelfTest {
    /// A leaf of a composite check: floats (requiring grad) in a range, or int64 labels.
    enum Leaf {
        case float(String, [Int], ClosedRange<Double>)
        case labels(String, [Int], below: Int)
    }

    static func compositeChecks(_ bench: inout SelfTestBench, _ dtype: DType) {
        composite(&bench, "convnet + cross_entropy", dtype, [
            .float("input", [4, 1, 12, 12], -1...1), .float("conv.weight", [3, 1, 5, 5], -0.3...0.3),
            .float("conv.bias", [3], -0.1...0.1), .float("fc.weight", [10, 48], -0.2...0.2),
            .float("fc.bias", [10], -0.1...0.1), .labels("target", [4], below: 10),
        ]) { t in
            let h = Tensor.conv2d(t[0], weight: t[1], bias: t[2]).relu()
            let pooled = Tensor.maxPool2d(h, kernelSize: (2, 2)).reshape([4, 48])
            return Tensor.crossEntropy(Tensor.addmm(t[4], pooled, t[3].t()), t[5])
        }
        composite(&bench, "mlp + mse", dtype, [
            .float("input", [8, 6], -1...1), .float("weight", [5, 6], -0.5...0.5), .float("bias", [5], -0.1...0.1),
            .float("target", [8, 5], -1...1),
        ]) { t in
            let y = (t[0].mm(t[1].t()) + t[2]).sigmoid()
            return Tensor.mseLoss(y.tanh() * y, t[3])
        }
        composite(&bench, "pointwise chain", dtype, [
            .float("a", [3, 4], 0.5...2), .float("b", [4], 0.5...2),
        ]) { t in
            let a = t[0], b = t[1]
            let ratio = (a.log() + b.sqrt()) / (a.exp() * 0.1 + 1)
            return ratio.pow(2).mean() - (a - b).relu().sum(dims: [1]).mean() + (a * b).pow(1.5).sum()
        }
        composite(&bench, "bmm + softmax + max + gather", dtype, [
            .float("p", [2, 3, 4], -1...1), .float("q", [2, 4, 5], -1...1), .labels("index", [2, 3, 2], below: 5),
        ]) { t in
            let r = t[0].bmm(t[1])
            let best = r.logSoftmax(dim: 2).max(dim: 1).values
            return best.sum() + r.gather(dim: 2, index: t[2]).mean() + r.softmax(dim: 1).pow(3).sum()
        }
    }

    /// Builds the leaves on each backend, runs `forward` and backward, and compares the loss
    /// and each gradient.
    static func composite(_ bench: inout SelfTestBench, _ name: String, _ dtype: DType, _ leaves: [Leaf],
                          _ forward: ([Tensor]) -> Tensor) {
        let inputs: [(SelfTestBench.Pair, [Int], Bool)] = leaves.map { leaf in
            switch leaf {
            case .float(_, let shape, let range): return (bench.random(Shape.count(shape), dtype, range), shape, true)
            case .labels(_, let shape, let bound): return (bench.indices(Shape.count(shape), below: bound), shape, false)
            }
        }
        let names = leaves.map { leaf -> String? in
            if case .float(let n, _, _) = leaf { return n }
            return nil
        }
        func run(_ backend: any Backend) -> [Storage]? {
            let tensors = inputs.map { pair, shape, _ in Tensor(storage: pair[backend], shape: shape) }
            for (t, input) in zip(tensors, inputs) where input.2 { _ = try? t.requireGrad() }
            let loss = forward(tensors)
            do {
                try loss.backward()
            } catch {
                return nil
            }
            let grads = tensors.enumerated().compactMap { i, t in inputs[i].2 ? t.grad?.storage : nil }
            guard grads.count == inputs.filter(\.2).count else { return nil }
            return [loss.storage] + grads
        }
        let detail = inputs.filter(\.2).map { Shape.describe($0.1) }.joined(separator: " ")
        guard let expected = run(bench.cpu), let actual = run(bench.device) else {
            bench.rows.append(SelfTestRow(name: name, dtype: dtype.rawValue, detail: detail, maxError: .nan, passed: false,
                                          note: "backward did not produce every gradient"))
            return
        }
        let labels = ["loss"] + names.compactMap { $0.map { "grad \($0)" } }
        for (i, label) in labels.enumerated() {
            bench.rows.append(SelfTestComparison.row("\(name) \(label)", dtype, detail, device: actual[i], cpu: expected[i]))
        }
    }
}
