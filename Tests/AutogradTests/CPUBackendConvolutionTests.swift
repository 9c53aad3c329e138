import Autograd
import Testing

/// im2col, col2im and max pooling against the reference, over strides, padding, odd sizes and
/// non-square kernels; pooling also with ties and NaN, where PyTorch's rule decides the index.
@Suite("CPUBackend convolution and pooling kernels")
struct CPUBackendConvolutionTests {
    static func geometry(_ n: Int, _ c: Int, _ h: Int, _ w: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                         padding: (Int, Int) = (0, 0)) -> ConvGeometry {
        ConvGeometry(batch: n, channels: c, height: h, width: w, kernelH: kernel.0, kernelW: kernel.1,
                     strideH: stride.0, strideW: stride.1, paddingH: padding.0, paddingW: padding.1)
    }

    static let convolutions: [ConvGeometry] = [
        geometry(2, 3, 32, 32, kernel: (5, 5)),
        geometry(2, 6, 14, 14, kernel: (5, 5)),
        geometry(1, 1, 1, 1, kernel: (1, 1)),
        geometry(2, 2, 7, 9, kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
        geometry(3, 2, 6, 5, kernel: (5, 5), padding: (2, 2)),
        geometry(1, 3, 11, 10, kernel: (2, 3), stride: (3, 2), padding: (1, 0)),
        geometry(2, 1, 5, 8, kernel: (1, 4), stride: (1, 3), padding: (0, 2)),
        geometry(4, 8, 20, 20, kernel: (3, 3), padding: (1, 1)),
    ]

    static let pools: [ConvGeometry] = [
        geometry(2, 3, 28, 28, kernel: (2, 2), stride: (2, 2)),
        geometry(1, 2, 7, 7, kernel: (2, 2), stride: (2, 2)),
        geometry(2, 2, 9, 8, kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
        geometry(1, 3, 6, 7, kernel: (3, 2), stride: (1, 1)),
        geometry(2, 1, 5, 5, kernel: (4, 4), stride: (3, 1), padding: (2, 1)),
        geometry(8, 16, 10, 10, kernel: (2, 2), stride: (2, 2)),
        // Rows of whole 16-window steps, with and without a partial last step.
        geometry(1, 2, 6, 70, kernel: (2, 2), stride: (2, 2)), geometry(2, 1, 4, 64, kernel: (2, 2), stride: (2, 2)),
        // Enough planes for several chunks per thread (VectorMaxPool.grain), of unequal sizes.
        geometry(4, 16, 28, 28, kernel: (2, 2), stride: (2, 2)),
        geometry(37, 16, 10, 10, kernel: (2, 2), stride: (2, 2)),
    ] + (2...17).map { width in
        // Planes at most 16 wide, which the AVX-512 kernels pool several rows a step: every width,
        // odd and even heights, steps that end part-way through the plane's rows.
        geometry(2, 3, 5 + width % 4, width, kernel: (2, 2), stride: (2, 2))
    }

    @Test(arguments: CPUCheck.dtypes, CPUCheck.backends)
    func im2colMatchesReference(dtype: DType, backend: CPUBackend) {
        for (k, g) in Self.convolutions.enumerated() {
            let raw = CPUCheck.values(g.batch * g.channels * g.height * g.width, seed: UInt64(k) + 70)
            let fast = backend.im2col(CPUCheck.storage(raw, dtype, on: backend), g)
            let slow = CPUCheck.reference.im2col(CPUCheck.storage(raw, dtype, on: CPUCheck.reference), g)
            CPUCheck.expectSame(fast, slow, "im2col \(g)")
        }
    }

    @Test(arguments: CPUCheck.dtypes, CPUCheck.backends)
    func col2imMatchesReference(dtype: DType, backend: CPUBackend) {
        for (k, g) in Self.convolutions.enumerated() {
            let count = g.channels * g.kernelH * g.kernelW * g.batch * g.outHeight * g.outWidth
            let raw = CPUCheck.values(count, seed: UInt64(k) + 80)
            let fast = backend.col2im(CPUCheck.storage(raw, dtype, on: backend), g)
            let slow = CPUCheck.reference.col2im(CPUCheck.storage(raw, dtype, on: CPUCheck.reference), g)
            // Each input element receives its contributions in the same order in both: exact.
            CPUCheck.expectSame(fast, slow, "col2im \(g)")
        }
    }

    /// The fused convolution (blocks of samples, per-sample GEMMs, per-chunk dW partials) against
    /// the composed definition in float64, with and without bias and input gradient. Float32
    /// results may differ from it by float32 rounding of sums of thousands of terms: the bound
    /// is 1e-5 of the largest magnitude.
    @Test(arguments: CPUCheck.dtypes, CPUCheck.backends)
    func conv2dMatchesReference(dtype: DType, backend: CPUBackend) {
        // Stride-1 cases of every shape the AVX2 kernels block differently: output counts off the
        // 4- and 3-blocks, positions off the 24-, 16- and 8-runs, padding on one side only.
        let cases = Self.convolutions + [
            Self.geometry(12, 3, 32, 32, kernel: (5, 5)), Self.geometry(9, 6, 14, 14, kernel: (5, 5)),
            Self.geometry(3, 4, 9, 11, kernel: (3, 2), padding: (0, 1)), Self.geometry(2, 5, 13, 7, kernel: (4, 3), padding: (2, 0)),
            Self.geometry(5, 2, 8, 8, kernel: (1, 1)), Self.geometry(2, 7, 6, 6, kernel: (6, 6)),
            Self.geometry(3, 1, 12, 12, kernel: (3, 3), padding: (3, 3)), Self.geometry(2, 16, 10, 10, kernel: (5, 5), padding: (1, 2)),
        ]
        for (k, g) in cases.enumerated() {
            Self.expectConvolutionMatchesReference(g, outChannels: [6, 1, 3, 5, 16, 7, 2, 4][k % 8], seed: UInt64(k),
                                                   hasBias: k % 2 == 0, inputGrad: k % 3 != 1, dtype: dtype, backend: backend)
        }
    }

    /// Convolutions with 16 or more output channels on small planes, which the AVX-512 backend runs
    /// with the channels in the lanes (CPULanesConvolution.swift): one and several registers of
    /// channels, a partial last one, output rows longer than the 12-position block and an odd
    /// row count, kernels wider and taller than the 5 × 5 weight-gradient block, padding.
    @Test(arguments: CPUCheck.dtypes, CPUCheck.backends)
    func lanesConvolutionMatchesReference(dtype: DType, backend: CPUBackend) {
        let cases: [(ConvGeometry, Int)] = [
            (Self.geometry(5, 6, 14, 14, kernel: (5, 5)), 16), (Self.geometry(2, 4, 9, 11, kernel: (3, 2), padding: (0, 1)), 20),
            (Self.geometry(2, 3, 7, 7, kernel: (3, 3), padding: (1, 1)), 32), (Self.geometry(3, 2, 7, 30, kernel: (3, 3)), 16),
            (Self.geometry(2, 1, 1, 1, kernel: (1, 1)), 17), (Self.geometry(2, 2, 12, 12, kernel: (7, 6)), 16),
            (Self.geometry(9, 6, 14, 14, kernel: (5, 5)), 16), (Self.geometry(1, 3, 5, 5, kernel: (2, 2), padding: (2, 1)), 48),
        ]
        for (k, (g, o)) in cases.enumerated() {
            Self.expectConvolutionMatchesReference(g, outChannels: o, seed: UInt64(k) + 40, hasBias: k % 2 == 0,
                                                   inputGrad: k % 3 != 1, dtype: dtype, backend: backend)
        }
    }

    /// Batches that split into several chunks per thread (CPUParallel.balancedChunkCount), of
    /// unequal sizes, on both flat paths: dW and dB are summed per chunk and the chunks' sums added
    /// in order, which must still match the reference.
    @Test(arguments: CPUCheck.dtypes, CPUCheck.backends)
    func chunkedConvolutionMatchesReference(dtype: DType, backend: CPUBackend) {
        let cases: [(ConvGeometry, Int)] = [
            (Self.geometry(23, 3, 32, 32, kernel: (5, 5)), 6), (Self.geometry(31, 6, 14, 14, kernel: (5, 5)), 16),
        ]
        for (k, (g, o)) in cases.enumerated() {
            Self.expectConvolutionMatchesReference(g, outChannels: o, seed: UInt64(k) + 60, hasBias: true,
                                                   inputGrad: k == 1, dtype: dtype, backend: backend)
        }
    }

    /// The flat paths' bias gradient (row sums of dY per chunk, row_sums.c) is the same to the bit
    /// with the AVX2 and the AVX-512 kernels: rows of whole 64-element runs, of a run and a part,
    /// shorter than one run, and the channels-in-lanes path.
    @Test func biasGradientIsTheSameAtBothWidths() {
        let wide = CPUBackend(threads: 4), narrow = CPUBackend(threads: 4, maxVectorWidth: .avx2)
        let cases: [(ConvGeometry, Int)] = [
            (Self.geometry(9, 2, 20, 20, kernel: (5, 5)), 6), (Self.geometry(11, 3, 14, 14, kernel: (5, 5)), 5),
            (Self.geometry(7, 1, 6, 6, kernel: (3, 3)), 3), (Self.geometry(13, 6, 14, 14, kernel: (5, 5)), 16),
        ]
        for (k, (g, o)) in cases.enumerated() {
            let x = CPUCheck.values(g.batch * g.channels * g.height * g.width, seed: UInt64(k) + 500)
            let w = CPUCheck.values(o * g.channels * g.kernelH * g.kernelW, seed: UInt64(k) + 510)
            let dy = CPUCheck.values(g.batch * o * g.outHeight * g.outWidth, seed: UInt64(k) + 520)
            func bias(_ b: CPUBackend) -> Storage? {
                b.conv2dBackward(CPUCheck.storage(dy, .float32, on: b), input: CPUCheck.storage(x, .float32, on: b),
                                 weight: CPUCheck.storage(w, .float32, on: b), outChannels: o, g, inputGrad: false,
                                 biasGrad: true).bias
            }
            guard let a = bias(wide), let b = bias(narrow) else {
                Issue.record("conv2d dB missing \(g)")
                continue
            }
            CPUCheck.expectSame(a, b, "conv2d dB at both widths \(g) o=\(o)")
        }
    }

    /// One convolution's output and gradients on `backend` against the reference in float64.
    static func expectConvolutionMatchesReference(_ g: ConvGeometry, outChannels o: Int, seed k: UInt64, hasBias: Bool,
                                                  inputGrad: Bool, dtype: DType, backend: CPUBackend,
                                                  sourceLocation: SourceLocation = #_sourceLocation) {
        let x = CPUCheck.values(g.batch * g.channels * g.height * g.width, seed: k + 300)
        let w = CPUCheck.values(o * g.channels * g.kernelH * g.kernelW, seed: k + 310, low: -0.5, high: 0.5)
        let bias = CPUCheck.values(o, seed: k + 320)
        let dy = CPUCheck.values(g.batch * o * g.outHeight * g.outWidth, seed: k + 330)
        func run(_ b: any Backend, _ type: DType) -> [[Double]?] {
            let xs = CPUCheck.storage(x, type, on: b), ws = CPUCheck.storage(w, type, on: b)
            let y = b.conv2d(xs, weight: ws, bias: hasBias ? CPUCheck.storage(bias, type, on: b) : nil, outChannels: o, g)
            let grads = b.conv2dBackward(CPUCheck.storage(dy, type, on: b), input: xs, weight: ws, outChannels: o, g,
                                         inputGrad: inputGrad, biasGrad: hasBias)
            return [CPUCheck.read(y), grads.input.map(CPUCheck.read), CPUCheck.read(grads.weight), grads.bias.map(CPUCheck.read)]
        }
        let fast = run(backend, dtype), slow = run(CPUCheck.reference, .float64)
        #expect((fast[1] == nil) == !inputGrad && (fast[3] == nil) == !hasBias, sourceLocation: sourceLocation)
        for (i, name) in ["output", "dX", "dW", "dB"].enumerated() {
            guard let got = fast[i], let want = slow[i] else { continue }
            let scale = want.map { abs($0) }.max() ?? 0
            let bound = (dtype == .float32 ? 1e-5 : 1e-12) * Swift.max(scale, 1)
            let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
            #expect(got.count == want.count && worst <= bound, "conv2d \(name) \(g) o=\(o): off by \(worst) (largest \(scale))",
                    sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: CPUCheck.dtypes, CPUCheck.backends)
    func maxPoolMatchesReference(dtype: DType, backend: CPUBackend) {
        for (k, g) in Self.pools.enumerated() {
            let count = g.batch * g.channels * g.height * g.width
            // Small integers make ties (the first maximum must win); NaN must win its window.
            var raw = CPUCheck.integers(count, seed: UInt64(k) + 90, range: 4).map { $0 - 2 }
            for i in stride(from: 5, to: count, by: 37) { raw[i] = .nan }
            for i in stride(from: 11, to: count, by: 53) { raw[i] = -.infinity }
            for i in stride(from: 12, to: count, by: 41) { raw[i] = .infinity }
            let (fastValues, fastIndices) = backend.maxPool2d(CPUCheck.storage(raw, dtype, on: backend), g)
            let (slowValues, slowIndices) = CPUCheck.reference.maxPool2d(CPUCheck.storage(raw, dtype, on: CPUCheck.reference), g)
            CPUCheck.expectSame(fastValues, slowValues, "max_pool2d values \(g)")
            CPUCheck.expectSame(fastIndices, slowIndices, "max_pool2d indices \(g)")

            let grad = CPUCheck.values(g.batch * g.channels * g.outHeight * g.outWidth, seed: UInt64(k) + 95)
            let fastGrad = backend.maxPool2dBackward(CPUCheck.storage(grad, dtype, on: backend), indices: fastIndices, g)
            let slowGrad = CPUCheck.reference.maxPool2dBackward(CPUCheck.storage(grad, dtype, on: CPUCheck.reference),
                                                                indices: slowIndices, g)
            CPUCheck.expectSame(fastGrad, slowGrad, "max_pool2d backward \(g)")
        }
    }

    @Test(arguments: CPUCheck.dtypes)
    func maxPoolNaNWinsItsWindow(dtype: DType) {
        let g = Self.geometry(1, 1, 2, 4, kernel: (2, 2), stride: (2, 2))
        // Windows: [1, 5 | 2, nan] and [3, 3 | 0, 3]: NaN wins the first, the first 3 the second.
        let raw: [Double] = [1, 5, 3, 3, 2, .nan, 0, 3]
        let (values, indices) = Backends.cpu.maxPool2d(CPUCheck.storage(raw, dtype, on: Backends.cpu), g)
        let v = CPUCheck.read(values), i = CPUCheck.read(indices)
        #expect(v[0].isNaN && i[0] == 5)
        #expect(v[1] == 3 && i[1] == 2)
    }
}
