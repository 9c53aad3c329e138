import Autograd

/// The training workloads written with raw ops: the blitz Net and an MLP as lists of
/// parameters, one step = zero_grad, forward, cross-entropy loss, backward, SGD step
/// (lr 0.001, momentum 0.9), exactly what `optimizer.zero_grad(); loss.backward(); optimizer.step()`
/// does in the PyTorch reference. Parameters start uniform in ±1/√fan_in, as PyTorch's default.
final class RawModel {
    /// Weights and biases in state_dict order.
    let parameters: [Tensor]
    private var momentum: [Storage?]
    private var steps = 0
    private let forwardPass: ([Tensor], Tensor) -> Tensor

    init(shapes: [(weight: [Int], bias: [Int])], seed: UInt64, forward: @escaping ([Tensor], Tensor) -> Tensor) {
        var generator = RandomGenerator(seed: seed)
        var parameters: [Tensor] = []
        for (weight, bias) in shapes {
            let fanIn = Shape.count(weight) / weight[0]
            let bound = 1 / Double(fanIn).squareRoot()
            for shape in [weight, bias] {
                let p = Tensor.uniform(shape, low: -bound, high: bound, generator: &generator)
                try! p.requireGrad()
                parameters.append(p)
            }
        }
        self.parameters = parameters
        self.momentum = [Storage?](repeating: nil, count: parameters.count)
        self.forwardPass = forward
    }

    /// One SGD training step on a batch. The loss is not read back (PyTorch's loop doesn't either).
    func step(_ input: Tensor, _ labels: Tensor) {
        for p in parameters { p.zeroGrad() }
        let logits = forwardPass(parameters, input)
        let loss = Tensor.crossEntropy(logits, labels)
        try! loss.backward()
        let first = steps == 0
        let hyper = SGDHyper(lr: 0.001, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, firstStep: first)
        for (i, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            let backend = p.storage.backend
            if momentum[i] == nil { momentum[i] = backend.allocate(count: p.count, dtype: p.dtype) }
            backend.sgdStep(parameter: p.storage, grad: grad.storage, momentumBuffer: momentum[i], hyper)
        }
        steps += 1
    }

    /// Linear as PyTorch runs it: addmm(bias, x, weight.t()).
    static func linear(_ x: Tensor, _ weight: Tensor, _ bias: Tensor) -> Tensor {
        Tensor.addmm(bias, x, weight.t())
    }

    /// The 60-minute blitz's Net on 3×32×32 images (pytorch-facts.md).
    static func blitzNet(seed: UInt64) -> RawModel {
        RawModel(shapes: [([6, 3, 5, 5], [6]), ([16, 6, 5, 5], [16]), ([120, 400], [120]), ([84, 120], [84]), ([10, 84], [10])],
                 seed: seed) { p, x in
            var h = Tensor.conv2d(x, weight: p[0], bias: p[1]).relu()
            h = Tensor.maxPool2d(h, kernelSize: (2, 2))
            h = Tensor.conv2d(h, weight: p[2], bias: p[3]).relu()
            h = Tensor.maxPool2d(h, kernelSize: (2, 2))
            h = h.flatten(startDim: 1)
            h = linear(h, p[4], p[5]).relu()
            h = linear(h, p[6], p[7]).relu()
            return linear(h, p[8], p[9])
        }
    }

    /// MLP 64→128→64→10 with ReLU.
    static func mlp(seed: UInt64) -> RawModel {
        RawModel(shapes: [([128, 64], [128]), ([64, 128], [64]), ([10, 64], [10])], seed: seed) { p, x in
            var h = linear(x, p[0], p[1]).relu()
            h = linear(h, p[2], p[3]).relu()
            return linear(h, p[4], p[5])
        }
    }
}
