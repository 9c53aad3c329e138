import Autograd
import Testing

/// log_softmax, gather/scatter and the optimizer updates against the reference.
@Suite("CPUBackend softmax, indexing and optimizer kernels")
struct CPUBackendLossTests {
    /// Rows of 10 (one masked AVX-512 register), 16 (one full one) and 37 (two and a tail) reach
    /// the row kernels; the specials: a NaN (the whole line NaN), −∞ (e^−∞ = 0) and +∞.
    static let splits: [(outer: Int, size: Int, inner: Int)] = [(4, 10, 1), (3, 5, 7), (1, 1, 1), (64, 10, 1), (2, 1000, 1), (5, 3, 2),
                                                                 (4, 16, 1), (3, 37, 1), (5, 10, 1)]

    @Test(arguments: CPUCheck.dtypes, CPUCheck.backends)
    func logSoftmaxMatchesReference(dtype: DType, backend: CPUBackend) {
        for (k, s) in Self.splits.enumerated() {
            let n = s.outer * s.size * s.inner
            var raw = CPUCheck.values(n, seed: UInt64(k) + 110, low: -20, high: 20)
            if k == 1 || k == 6 || k == 7 { raw[3] = .nan }
            if k == 7 { raw[40] = -.infinity; raw[100] = .infinity }
            if k == 8 { raw[12] = -.infinity; raw[25] = .nan; raw[33] = .infinity; raw[40...49] = [Double](repeating: -.infinity, count: 10)[...] }
            let fast = backend.logSoftmax(CPUCheck.storage(raw, dtype, on: backend), outer: s.outer, size: s.size, inner: s.inner)
            let slow = CPUCheck.reference.logSoftmax(CPUCheck.storage(raw, dtype, on: CPUCheck.reference), outer: s.outer, size: s.size, inner: s.inner)
            CPUCheck.expectClose(fast, slow, relative: CPUCheck.sumTolerance(dtype), "log_softmax \(s) \(dtype)")

            let grad = CPUCheck.values(n, seed: UInt64(k) + 120)
            let fastGrad = backend.logSoftmaxBackward(CPUCheck.storage(grad, dtype, on: backend), output: fast,
                                                      outer: s.outer, size: s.size, inner: s.inner)
            let slowGrad = CPUCheck.reference.logSoftmaxBackward(CPUCheck.storage(grad, dtype, on: CPUCheck.reference), output: slow,
                                                                 outer: s.outer, size: s.size, inner: s.inner)
            // The sum of the gradient along the row is rounded differently; allow for it absolutely.
            CPUCheck.expectClose(fastGrad, slowGrad, relative: CPUCheck.sumTolerance(dtype),
                                 floor: dtype == .float32 ? 1e-5 : 1e-12, "log_softmax backward \(s) \(dtype)")
        }
    }

    @Test(arguments: [DType.float32, .float64, .int64])
    func gatherAndScatterAddMatchReference(dtype: DType) {
        let cases: [(outer: Int, size: Int, inner: Int, indexSize: Int)] = [(4, 10, 1, 1), (3, 5, 4, 2), (2, 6, 3, 8), (1, 1, 1, 1)]
        for (k, c) in cases.enumerated() {
            let raw = CPUCheck.values(c.outer * c.size * c.inner, seed: UInt64(k) + 130, low: -100, high: 100)
            let index = CPUCheck.integers(c.outer * c.indexSize * c.inner, seed: UInt64(k) + 140, range: c.size)
            let fast = Backends.cpu.gather(CPUCheck.storage(raw, dtype, on: Backends.cpu), outer: c.outer, size: c.size, inner: c.inner,
                                           index: CPUCheck.storage(index, .int64, on: Backends.cpu), indexSize: c.indexSize)
            let slow = CPUCheck.reference.gather(CPUCheck.storage(raw, dtype, on: CPUCheck.reference), outer: c.outer, size: c.size, inner: c.inner,
                                                 index: CPUCheck.storage(index, .int64, on: CPUCheck.reference), indexSize: c.indexSize)
            CPUCheck.expectSame(fast, slow, "gather \(c) \(dtype)")

            let grad = CPUCheck.values(c.outer * c.indexSize * c.inner, seed: UInt64(k) + 150, low: -100, high: 100)
            let fastScatter = Backends.cpu.scatterAdd(CPUCheck.storage(grad, dtype, on: Backends.cpu), outer: c.outer, size: c.size, inner: c.inner,
                                                      index: CPUCheck.storage(index, .int64, on: Backends.cpu), indexSize: c.indexSize)
            let slowScatter = CPUCheck.reference.scatterAdd(CPUCheck.storage(grad, dtype, on: CPUCheck.reference), outer: c.outer, size: c.size,
                                                            inner: c.inner, index: CPUCheck.storage(index, .int64, on: CPUCheck.reference),
                                                            indexSize: c.indexSize)
            CPUCheck.expectSame(fastScatter, slowScatter, "scatter_add \(c) \(dtype)")
        }
    }

    static let sgdSettings: [SGDHyper] = [
        SGDHyper(lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true),
        SGDHyper(lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: false, firstStep: true),
        SGDHyper(lr: 0.001, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true),
        SGDHyper(lr: 0.001, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, firstStep: false),
        SGDHyper(lr: 0.01, momentum: 0.9, dampening: 0.1, weightDecay: 0.001, nesterov: false, firstStep: false),
        SGDHyper(lr: 0.01, momentum: 0.5, dampening: 0, weightDecay: 0.001, nesterov: true, firstStep: true),
        SGDHyper(lr: 0.01, momentum: 0.5, dampening: 0, weightDecay: 0, nesterov: true, firstStep: false),
    ]

    @Test(arguments: CPUCheck.dtypes, CPUCheck.backends)
    func sgdStepMatchesReference(dtype: DType, backend: CPUBackend) {
        for (k, h) in Self.sgdSettings.enumerated() {
            for n in [1, 13, 37, 140_000] {
                let p = CPUCheck.values(n, seed: UInt64(k) + 160), g = CPUCheck.values(n, seed: UInt64(k) + 170)
                let buf = CPUCheck.values(n, seed: UInt64(k) + 180)
                let (fp, fb) = (CPUCheck.storage(p, dtype, on: backend), CPUCheck.storage(buf, dtype, on: backend))
                let (sp, sb) = (CPUCheck.storage(p, dtype, on: CPUCheck.reference), CPUCheck.storage(buf, dtype, on: CPUCheck.reference))
                backend.sgdStep(parameter: fp, grad: CPUCheck.storage(g, dtype, on: backend), momentumBuffer: fb, h)
                CPUCheck.reference.sgdStep(parameter: sp, grad: CPUCheck.storage(g, dtype, on: CPUCheck.reference), momentumBuffer: sb, h)
                CPUCheck.expectSame(fp, sp, "sgd parameter \(h) n=\(n)")
                CPUCheck.expectSame(fb, sb, "sgd momentum buffer \(h) n=\(n)")
            }
        }
        // Without a momentum buffer.
        let p = CPUCheck.values(20, seed: 190), g = CPUCheck.values(20, seed: 191)
        let fp = CPUCheck.storage(p, dtype, on: backend), sp = CPUCheck.storage(p, dtype, on: CPUCheck.reference)
        backend.sgdStep(parameter: fp, grad: CPUCheck.storage(g, dtype, on: backend), momentumBuffer: nil, Self.sgdSettings[1])
        CPUCheck.reference.sgdStep(parameter: sp, grad: CPUCheck.storage(g, dtype, on: CPUCheck.reference), momentumBuffer: nil, Self.sgdSettings[1])
        CPUCheck.expectSame(fp, sp, "sgd without a buffer")
    }

    @Test(arguments: CPUCheck.dtypes, CPUCheck.backends)
    func adamStepMatchesReference(dtype: DType, backend: CPUBackend) {
        let settings = [
            AdamHyper(lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1, decoupledWeightDecay: false),
            AdamHyper(lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.01, step: 7, decoupledWeightDecay: false),
            AdamHyper(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 3, decoupledWeightDecay: true),
        ]
        for (k, h) in settings.enumerated() {
            for n in [1, 13, 37, 20_001] {
                let p = CPUCheck.values(n, seed: UInt64(k) + 200), g = CPUCheck.values(n, seed: UInt64(k) + 210)
                let m = CPUCheck.values(n, seed: UInt64(k) + 220), v = CPUCheck.values(n, seed: UInt64(k) + 230, low: 0, high: 1)
                let fast = [p, m, v].map { CPUCheck.storage($0, dtype, on: backend) }
                let slow = [p, m, v].map { CPUCheck.storage($0, dtype, on: CPUCheck.reference) }
                backend.adamStep(parameter: fast[0], grad: CPUCheck.storage(g, dtype, on: backend), m: fast[1], v: fast[2], h)
                CPUCheck.reference.adamStep(parameter: slow[0], grad: CPUCheck.storage(g, dtype, on: CPUCheck.reference), m: slow[1], v: slow[2], h)
                for (i, name) in ["parameter", "m", "v"].enumerated() {
                    CPUCheck.expectSame(fast[i], slow[i], "adam \(name) \(h) n=\(n)")
                }
            }
        }
    }
}
