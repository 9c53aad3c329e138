import Autograd
import Testing

/// The reference kernels on small cases worked out by hand: they are the definition the other
/// backends are held to, so they are checked against arithmetic, not against another backend.
@Suite struct ReferenceBackendTests {
    let backend = Backends.reference

    func storage(_ values: [Double]) -> Storage {
        values.withUnsafeBytes { backend.upload($0, count: values.count, dtype: .float64) }
    }

    func storage(_ values: [Float]) -> Storage {
        values.withUnsafeBytes { backend.upload($0, count: values.count, dtype: .float32) }
    }

    func indices(_ values: [Int64]) -> Storage {
        values.withUnsafeBytes { backend.upload($0, count: values.count, dtype: .int64) }
    }

    func doubles(_ s: Storage) -> [Double] { (0..<s.count).map { s.buffer(Double.self)[$0] } }
    func floats(_ s: Storage) -> [Float] { (0..<s.count).map { s.buffer(Float.self)[$0] } }
    func int64s(_ s: Storage) -> [Int64] { (0..<s.count).map { s.buffer(Int64.self)[$0] } }

    // MARK: gemm

    func gemm(_ a: [Float], _ b: [Float], c: [Float] = [0, 0, 0, 0], transA: Bool = false, transB: Bool = false,
              alpha: Double = 1, beta: Double = 0) -> [Float] {
        let out = storage(c)
        backend.gemm(storage(a), storage(b), into: out, m: 2, n: 2, k: 2, transA: transA, transB: transB,
                     alpha: alpha, beta: beta, batch: 1, strideA: 0, strideB: 0, strideC: 0)
        return floats(out)
    }

    @Test func gemm2x2() {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
        #expect(gemm(a, b) == [19, 22, 43, 50])
        #expect(gemm(a, b, transA: true) == [26, 30, 38, 44])
        #expect(gemm(a, b, transB: true) == [17, 23, 39, 53])
        #expect(gemm(a, b, transA: true, transB: true) == [23, 31, 34, 46])
        #expect(gemm(a, b, c: [1, 1, 1, 1], alpha: 2, beta: 3) == [41, 47, 89, 103])
        // beta = 0 overwrites C, so whatever was there (even NaN) never leaks through, as in BLAS.
        #expect(gemm(a, b, c: [.nan, .infinity, .nan, 1]) == [19, 22, 43, 50])
    }

    @Test func batchedGemmUsesTheStrides() {
        let a = storage([1, 2, 3, 4, 1, 0, 0, 1] as [Double])
        let b = storage([5, 6, 7, 8, 2, 3, 4, 5] as [Double])
        let c = storage([Double](repeating: 0, count: 8))
        backend.gemm(a, b, into: c, m: 2, n: 2, k: 2, transA: false, transB: false, alpha: 1, beta: 0,
                     batch: 2, strideA: 4, strideB: 4, strideC: 4)
        #expect(doubles(c) == [19, 22, 43, 50, 2, 3, 4, 5])
    }

    // MARK: im2col, col2im

    /// One 3×3 image holding 1...9.
    func image() -> Storage { storage((1...9).map(Double.init)) }

    @Test func im2colOfATinyImage() {
        let g = ConvGeometry(batch: 1, channels: 1, height: 3, width: 3, kernelH: 2, kernelW: 2,
                             strideH: 1, strideW: 1, paddingH: 0, paddingW: 0)
        // One row per kernel position (ki, kj), one column per output position.
        #expect(doubles(backend.im2col(image(), g)) == [
            1, 2, 4, 5,
            2, 3, 5, 6,
            4, 5, 7, 8,
            5, 6, 8, 9,
        ])
    }

    @Test func im2colWithStrideAndPaddingReadsZerosOutside() {
        let g = ConvGeometry(batch: 1, channels: 1, height: 3, width: 3, kernelH: 2, kernelW: 2,
                             strideH: 2, strideW: 2, paddingH: 1, paddingW: 1)
        #expect(g.outHeight == 2 && g.outWidth == 2)
        #expect(doubles(backend.im2col(image(), g)) == [
            0, 0, 0, 5,
            0, 0, 4, 6,
            0, 2, 0, 8,
            1, 3, 7, 9,
        ])
    }

    @Test func im2colOrdersChannelsThenKernelAndBatchThenPosition() {
        // Two images of two channels, 1×1 kernel: rows are channels, columns run over the batch.
        let g = ConvGeometry(batch: 2, channels: 2, height: 1, width: 2, kernelH: 1, kernelW: 1,
                             strideH: 1, strideW: 1, paddingH: 0, paddingW: 0)
        let x = storage([1, 2, 3, 4, 5, 6, 7, 8] as [Double]) // [n=2][c=2][1][2]
        #expect(doubles(backend.im2col(x, g)) == [1, 2, 5, 6, 3, 4, 7, 8])
    }

    @Test func col2imSumsOverlapsBack() {
        let g = ConvGeometry(batch: 1, channels: 1, height: 3, width: 3, kernelH: 2, kernelW: 2,
                             strideH: 1, strideW: 1, paddingH: 0, paddingW: 0)
        // Ones folded back count how many windows cover each pixel.
        #expect(doubles(backend.col2im(storage([Double](repeating: 1, count: 16)), g)) == [1, 2, 1, 2, 4, 2, 1, 2, 1])
    }

    // MARK: max pooling

    func pool(_ plane: [Double], height: Int, width: Int, kernel: Int, stride: Int, padding: Int = 0) -> (values: [Double], indices: [Int64]) {
        let g = ConvGeometry(batch: 1, channels: 1, height: height, width: width, kernelH: kernel, kernelW: kernel,
                             strideH: stride, strideW: stride, paddingH: padding, paddingW: padding)
        let (v, i) = backend.maxPool2d(storage(plane), g)
        return (doubles(v), int64s(i))
    }

    @Test func maxPoolTiesGoToTheFirstElement() {
        #expect(pool([1, 1, 1, 1], height: 2, width: 2, kernel: 2, stride: 2) == ([1], [0]))
        #expect(pool([0, 3, 3, 1], height: 2, width: 2, kernel: 2, stride: 2) == ([3], [1]))
        // Two windows over a 2×4 plane: flat indices into the whole plane, as PyTorch returns them.
        #expect(pool([4, 2, 7, 7, 4, 1, 0, 7], height: 2, width: 4, kernel: 2, stride: 2) == ([4, 7], [0, 2]))
    }

    @Test func maxPoolNaNWinsAndPaddingNeverDoes() {
        let withNaN = pool([1, .nan, 5, 2], height: 2, width: 2, kernel: 2, stride: 2)
        #expect(withNaN.values[0].isNaN)
        #expect(withNaN.indices == [1])
        // All negative and padded by one: every window's maximum is a real element.
        #expect(pool([-5, -4, -3, -2], height: 2, width: 2, kernel: 2, stride: 2, padding: 1) == ([-5, -4, -3, -2], [0, 1, 2, 3]))
    }

    @Test func maxPoolBackwardRoutesAndAddsAtTheIndices() {
        // Overlapping windows (stride 1) that share one maximum pass it both gradients.
        let g = ConvGeometry(batch: 1, channels: 1, height: 3, width: 3, kernelH: 2, kernelW: 2,
                             strideH: 1, strideW: 1, paddingH: 0, paddingW: 0)
        let (_, idx) = backend.maxPool2d(storage([1, 9, 1, 1, 1, 1, 1, 1, 1] as [Double]), g)
        #expect(int64s(idx) == [1, 1, 3, 4])
        let grad = backend.maxPool2dBackward(storage([1, 10, 100, 1000] as [Double]), indices: idx, g)
        #expect(doubles(grad) == [0, 11, 0, 100, 1000, 0, 0, 0, 0])
    }

    // MARK: log_softmax

    @Test func logSoftmaxOfARow() {
        // log Σ exp(1, 2, 3) = 3 + log(1 + e⁻¹ + e⁻²) = 3.40760596444438
        let out = doubles(backend.logSoftmax(storage([1, 2, 3] as [Double]), outer: 1, size: 3, inner: 1))
        let expected = [-2.40760596444438, -1.40760596444438, -0.40760596444438]
        for (o, e) in zip(out, expected) { #expect(abs(o - e) < 1e-13) }
    }

    @Test func logSoftmaxIsStableAndHandlesMinusInfinity() {
        let big = doubles(backend.logSoftmax(storage([1000, 1000] as [Double]), outer: 1, size: 2, inner: 1))
        #expect(big == [-0.6931471805599453, -0.6931471805599453])
        let masked = doubles(backend.logSoftmax(storage([-.infinity, 0] as [Double]), outer: 1, size: 2, inner: 1))
        #expect(masked == [-.infinity, 0])
    }

    @Test func logSoftmaxAlongTheMiddleOfAnOuterSizeInnerView() {
        // [2 rows][2 along dim][1]: each pair (a, a) gives −log 2, whatever the other pair holds.
        let out = doubles(backend.logSoftmax(storage([5, 5, -3, -3] as [Double]), outer: 2, size: 2, inner: 1))
        #expect(out == [Double](repeating: -0.6931471805599453, count: 4))
        // inner = 2: the dimension strides over pairs, so (1, 1) and (2, 2) are the groups.
        let strided = doubles(backend.logSoftmax(storage([1, 2, 1, 2] as [Double]), outer: 1, size: 2, inner: 2))
        #expect(strided == [Double](repeating: -0.6931471805599453, count: 4))
    }

    @Test func logSoftmaxBackwardIsGradMinusSoftmaxTimesSum() {
        // output log(0.25), log(0.75); grad (1, 0): (1 − 0.25·1, 0 − 0.75·1).
        let output = storage([0.25, 0.75].map { Double.log($0) } as [Double])
        let out = doubles(backend.logSoftmaxBackward(storage([1, 0] as [Double]), output: output, outer: 1, size: 2, inner: 1))
        #expect(abs(out[0] - 0.75) < 1e-15)
        #expect(abs(out[1] + 0.75) < 1e-15)
    }

    // MARK: reductions, indexing, layout

    @Test func maxAlongADimensionTakesTheFirstOfTies() {
        let (values, idx) = backend.max(storage([2, 5, 5, 7, 7, 1] as [Double]), outer: 2, size: 3, inner: 1)
        #expect(doubles(values) == [5, 7])
        #expect(int64s(idx) == [1, 0])
    }

    @Test func sumOverDimensions() {
        let x = storage([1, 2, 3, 4, 5, 6] as [Double])
        #expect(doubles(backend.sum(x, shape: [2, 3], dims: [0])) == [5, 7, 9])
        #expect(doubles(backend.sum(x, shape: [2, 3], dims: [1])) == [6, 15])
        #expect(doubles(backend.sum(x, shape: [2, 3], dims: [0, 1])) == [21])
    }

    @Test func gatherAndItsAdjoint() {
        let x = storage([10, 20, 30, 40, 50, 60] as [Double])
        let index = indices([2, 2, 0, 1])
        #expect(doubles(backend.gather(x, outer: 2, size: 3, inner: 1, index: index, indexSize: 2)) == [30, 30, 40, 50])
        let ones = storage([1, 1, 1, 1] as [Double])
        #expect(doubles(backend.scatterAdd(ones, outer: 2, size: 3, inner: 1, index: index, indexSize: 2)) == [0, 0, 2, 1, 1, 0])
    }

    @Test func permuteBroadcastAndCast() {
        let x = storage([1, 2, 3, 4, 5, 6] as [Double])
        #expect(doubles(backend.permute(x, shape: [2, 3], order: [1, 0])) == [1, 4, 2, 5, 3, 6])
        let a = storage([1, 2] as [Double]), b = storage([10, 20, 30] as [Double])
        #expect(doubles(backend.binary(.add, a, [2, 1], b, [3], outShape: [2, 3])) == [11, 21, 31, 12, 22, 32])
        #expect(doubles(backend.expand(a, shape: [2, 1], to: [2, 2])) == [1, 1, 2, 2])
        // Casting to int64 truncates toward zero, as PyTorch's .long() does.
        #expect(int64s(backend.cast(storage([-1.7, 2.9] as [Double]), to: .int64)) == [-1, 2])
    }

    @Test func pointwiseEdgeCases() {
        let relu = doubles(backend.unary(.relu, storage([-1, 0, 2, .nan] as [Double])))
        #expect(Array(relu.prefix(3)) == [0, 0, 2])
        #expect(relu[3].isNaN, "relu keeps NaN, as PyTorch's does")
        let grad = storage([5, 5, 5] as [Double]), output = storage([0, 0.5, 3] as [Double])
        #expect(doubles(backend.binary(.reluBackward, grad, [3], output, [3], outShape: [3])) == [0, 5, 5])
        #expect(doubles(backend.binary(.sigmoidBackward, grad, [3], output, [3], outShape: [3])) == [0, 1.25, -30])
        #expect(doubles(backend.binary(.tanhBackward, grad, [3], output, [3], outShape: [3])) == [5, 3.75, -40])
    }
}
