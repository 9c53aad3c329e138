import Autograd
import Testing

/// The whole path through the ops: blitz Net training steps (conv, relu, pooling, flatten,
/// addmm, cross-entropy, backward, SGD with momentum) give the same losses and gradients on
/// CPUBackend as on the reference backend.
@Suite("CPUBackend training step against the reference")
struct CPUBackendTrainingTests {
    struct Outcome {
        var losses: [Double] = []
        var grads: [[Double]] = []
        var parameters: [[Double]] = []
    }

    static func train(on backend: any Backend, dtype: DType, steps: Int) -> Outcome {
        Backends.withCPUBackend(backend) {
            var generator = RandomGenerator(seed: 42)
            let shapes: [[Int]] = [[6, 3, 5, 5], [6], [16, 6, 5, 5], [16], [120, 400], [120], [84, 120], [84], [10, 84], [10]]
            let params = shapes.map { shape in
                let p = Tensor.uniform(shape, low: -0.2, high: 0.2, dtype: dtype, generator: &generator)
                try! p.requireGrad()
                return p
            }
            let images = Tensor.randn([3, 3, 32, 32], dtype: dtype, generator: &generator)
            let labels = Tensor([3, 0, 9])
            var buffers: [Storage?] = Array(repeating: nil, count: params.count)
            var outcome = Outcome()
            for step in 0..<steps {
                for p in params { p.zeroGrad() }
                var h = Tensor.maxPool2d(Tensor.conv2d(images, weight: params[0], bias: params[1]).relu(), kernelSize: (2, 2))
                h = Tensor.maxPool2d(Tensor.conv2d(h, weight: params[2], bias: params[3], padding: (0, 0)).relu(), kernelSize: (2, 2))
                h = h.flatten(startDim: 1)
                h = Tensor.addmm(params[5], h, params[4].t()).relu()
                h = Tensor.addmm(params[7], h, params[6].t()).relu()
                let loss = Tensor.crossEntropy(Tensor.addmm(params[9], h, params[8].t()), labels)
                try! loss.backward()
                outcome.losses.append(loss.item())
                let hyper = SGDHyper(lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, firstStep: step == 0)
                for (i, p) in params.enumerated() {
                    if buffers[i] == nil { buffers[i] = backend.allocate(count: p.count, dtype: dtype) }
                    backend.sgdStep(parameter: p.storage, grad: p.grad!.storage, momentumBuffer: buffers[i], hyper)
                }
            }
            outcome.grads = params.map { $0.grad!.doubles }
            outcome.parameters = params.map { $0.doubles }
            return outcome
        }
    }

    @Test(arguments: [(DType.float64, 1e-9), (DType.float32, 2e-4)])
    func blitzNetStepsMatch(dtype: DType, tolerance: Double) {
        let fast = Self.train(on: CPUBackend(threads: 2), dtype: dtype, steps: 3)
        let slow = Self.train(on: CPUCheck.reference, dtype: dtype, steps: 3)
        for (a, b) in zip(fast.losses, slow.losses) {
            #expect(abs(a - b) <= tolerance * Swift.max(1, abs(b)), "loss \(a) vs reference \(b)")
        }
        for (k, (ga, gb)) in zip(fast.grads, slow.grads).enumerated() {
            let scale = gb.map { abs($0) }.max() ?? 1
            let worst = zip(ga, gb).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= tolerance * Swift.max(scale, 1e-3), "parameter \(k): gradient differs by \(worst) (largest \(scale))")
        }
        for (k, (pa, pb)) in zip(fast.parameters, slow.parameters).enumerated() {
            let worst = zip(pa, pb).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= tolerance, "parameter \(k) after three steps differs by \(worst)")
        }
    }
}
