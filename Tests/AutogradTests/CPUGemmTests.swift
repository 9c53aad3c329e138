@testable import Autograd
import Testing

/// The float32 product this CPU runs (blitz-tui's AVX-512 kernel where the CPU has AVX-512,
/// OpenBLAS otherwise) against a plain triple loop in Float64, through the whole BLAS contract:
/// both transposes, leading dimensions wider than the matrix, sizes at and around the kernel's
/// tile (12 × 32), packing and cache-block edges (k chunks of 256, row blocks of 192, column blocks
/// of 1024, the in-place limit of 128 × 128 elements), alpha and beta, beta = 0 over NaN, k = 0.
/// Columns between a row's end and its leading dimension must come back untouched. The bias row
/// (Linear's addmm) goes through the same paths; `addmmMatchesComposed` checks the backend kernel.
@Suite struct CPUGemmTests {
    static let wide = VectorWidth.cpu == .avx512

    struct Case: CustomStringConvertible {
        var m: Int, n: Int, k: Int
        var transA = false, transB = false
        var alpha: Float = 1, beta: Float = 0
        var pad = 0
        /// Adds a bias row (Linear's addmm), in the kernel's store at AVX-512.
        var bias = false
        var description: String {
            "\(m)×\(n)×\(k) transA=\(transA) transB=\(transB) α=\(alpha) β=\(beta) pad=\(pad) bias=\(bias)"
        }
    }

    /// Runs one case on `threads` threads and checks every element of C, padding included.
    static func check(_ t: Case, threads: Int = 1, wide: Bool = CPUGemmTests.wide,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let (m, n, k) = (t.m, t.n, t.k)
        let lda = (t.transA ? m : k) + t.pad, ldb = (t.transB ? k : n) + t.pad, ldc = n + t.pad
        let aRows = t.transA ? k : m, bRows = t.transB ? n : k
        var generator = RandomGenerator(seed: UInt64(m * 10_007 + n * 101 + k))
        let a = (0..<Swift.max(aRows * lda, 1)).map { _ in Float(generator.nextDouble() * 4 - 2) }
        let b = (0..<Swift.max(bRows * ldb, 1)).map { _ in Float(generator.nextDouble() * 4 - 2) }
        let before = (0..<Swift.max(m * ldc, 1)).map { i -> Float in
            // beta = 0 must not read C: NaN there would poison the result.
            t.beta == 0 && i % ldc < n ? .nan : Float(generator.nextDouble() * 4 - 2)
        }
        let bias = (0..<Swift.max(n, 1)).map { _ in Float(generator.nextDouble() * 4 - 2) }
        var c = before
        bias.withUnsafeBufferPointer { pbias in
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    CPUGemm.multiply(t.transA, t.transB, m, n, k, alpha: t.alpha, pa.baseAddress!, Swift.max(lda, 1),
                                     pb.baseAddress!, Swift.max(ldb, 1), beta: t.beta, pc.baseAddress!,
                                     Swift.max(ldc, 1), threads: threads, wide: wide,
                                     bias: t.bias ? pbias.baseAddress! : nil)
                }
            }
        }
        }
        for i in 0..<m {
            for j in 0..<ldc {
                let got = c[i * ldc + j]
                if j >= n {
                    #expect(got.bitPattern == before[i * ldc + j].bitPattern,
                            "\(t): padding (\(i), \(j)) was written", sourceLocation: sourceLocation)
                    if got.bitPattern != before[i * ldc + j].bitPattern { return }
                    continue
                }
                var sum = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let x = Double(t.transA ? a[p * lda + i] : a[i * lda + p])
                    let y = Double(t.transB ? b[j * ldb + p] : b[p * ldb + j])
                    sum += x * y
                    magnitude += abs(x * y)
                }
                let old = t.beta == 0 ? 0 : Double(t.beta) * Double(before[i * ldc + j])
                let add = t.bias ? Double(bias[j]) : 0
                let want = Double(t.alpha) * sum + old + add
                let tolerance = 1e-5 * (abs(Double(t.alpha)) * magnitude + abs(old) + abs(add)) + 1e-30
                if !(abs(Double(got) - want) <= tolerance) {
                    Issue.record("\(t), \(threads) threads: C(\(i), \(j)) is \(got), want \(want)",
                                 sourceLocation: sourceLocation)
                    return
                }
            }
        }
    }

    @Test func smallSizesEveryTransposeAndScale() {
        let sizes = [1, 2, 5, 11, 12, 13, 16, 17, 31, 32, 33, 37]
        let scales: [(Float, Float)] = [(1, 0), (1, 1), (-1.5, 0.25), (0.5, 0)]
        var index = 0
        for m in sizes {
            for n in sizes {
                for transA in [false, true] {
                    for transB in [false, true] {
                        index += 1
                        let (alpha, beta) = scales[index % scales.count]
                        let k = sizes[(index * 7) % sizes.count]
                        Self.check(Case(m: m, n: n, k: k, transA: transA, transB: transB, alpha: alpha, beta: beta,
                                        pad: index % 3 == 0 ? 3 : 0, bias: index % 5 < 2))
                    }
                }
            }
        }
    }

    /// Around the tile, the k chunk, the row block, the in-place limit and the column block.
    @Test(arguments: [
        Case(m: 12, n: 32, k: 256), Case(m: 24, n: 64, k: 257, transB: true), Case(m: 13, n: 33, k: 520, beta: 1),
        Case(m: 97, n: 40, k: 20, transA: true), Case(m: 193, n: 17, k: 30, alpha: 2, beta: -1, pad: 5),
        Case(m: 130, n: 70, k: 130), Case(m: 130, n: 70, k: 130, transA: true, transB: true, pad: 1),
        Case(m: 20, n: 129, k: 127, transB: true, beta: 0.5), Case(m: 127, n: 129, k: 129, transA: true),
        Case(m: 5, n: 1030, k: 7, transB: true, pad: 2), Case(m: 3, n: 1100, k: 20, alpha: -1, beta: 1),
        Case(m: 32, n: 128, k: 64, bias: true), Case(m: 32, n: 64, k: 128, transB: true),
        Case(m: 128, n: 64, k: 32, transA: true), Case(m: 32, n: 10, k: 64, beta: 1, bias: true),
        Case(m: 10, n: 64, k: 32, transA: true), Case(m: 40, n: 33, k: 300, beta: 0.5, bias: true),
    ])
    func blockEdges(_ t: Case) {
        Self.check(t)
        // Two threads cut C into slabs (when the product is large enough), each its own call.
        Self.check(t, threads: 2)
    }

    /// Wide enough to be shared between threads (CPUGemm.parallelWork), cut by rows and by columns.
    @Test func largeProductsInSlabs() {
        Self.check(Case(m: 300, n: 160, k: 50, transB: true, beta: 0.5), threads: 2)
        Self.check(Case(m: 90, n: 400, k: 70, transA: true, pad: 4), threads: 3)
        Self.check(Case(m: 64, n: 400, k: 90, pad: 1, bias: true), threads: 2)
        Self.check(Case(m: 400, n: 64, k: 90, bias: true), threads: 2)
    }

    /// k = 0 is C = beta·C (zeros over NaN when beta is 0); alpha = 0 reads neither A nor B.
    @Test func emptyInnerDimensionAndZeroAlpha() {
        for transA in [false, true] {
            for transB in [false, true] {
                Self.check(Case(m: 7, n: 19, k: 0, transA: transA, transB: transB, beta: 0))
                Self.check(Case(m: 7, n: 19, k: 0, transA: transA, transB: transB, beta: 0.5, pad: 2))
                Self.check(Case(m: 14, n: 40, k: 9, transA: transA, transB: transB, alpha: 0, beta: 2))
                Self.check(Case(m: 7, n: 19, k: 0, transA: transA, transB: transB, beta: 0, bias: true))
                Self.check(Case(m: 7, n: 19, k: 0, transA: transA, transB: transB, beta: 2, bias: true))
            }
        }
    }

    /// m = 0 or n = 0 writes nothing.
    @Test func emptyOutputTouchesNothing() {
        var c: [Float] = [42]
        let one: [Float] = [1]
        for (m, n) in [(0, 5), (5, 0), (0, 0)] {
            CPUGemm.multiply(false, false, m, n, 3, alpha: 1, one, 3, one, Swift.max(n, 1), beta: 0, &c, Swift.max(n, 1),
                             threads: 1, wide: Self.wide)
        }
        #expect(c == [42])
    }

    /// The backends' addmm (bias fused into the product for a bias row) against the composed
    /// definition on the reference backend, on every backend, for every bias shape addmm takes and
    /// with either operand stored transposed (Linear's weight.t() reaches addmm as transB).
    @Test(arguments: CPUCheck.dtypes)
    func addmmMatchesComposed(dtype: DType) {
        let (m, n, k) = (13, 37, 70)
        let a = CPUCheck.values(m * k, seed: 90), b = CPUCheck.values(k * n, seed: 91)
        for biasShape in [[n], [1, n], [m, n], [m, 1], [1], []] {
            let bias = CPUCheck.values(Shape.count(biasShape), seed: 92)
            for (transA, transB) in [(false, false), (false, true), (true, false), (true, true)] {
                let want = CPUCheck.reference.addmmComposed(CPUCheck.storage(bias, dtype, on: CPUCheck.reference),
                                                            biasShape: biasShape, CPUCheck.storage(a, dtype, on: CPUCheck.reference),
                                                            CPUCheck.storage(b, dtype, on: CPUCheck.reference), m: m, n: n, k: k,
                                                            transA: transA, transB: transB)
                for backend in CPUCheck.backends {
                    let got = backend.addmm(CPUCheck.storage(bias, dtype, on: backend), biasShape: biasShape,
                                            CPUCheck.storage(a, dtype, on: backend), CPUCheck.storage(b, dtype, on: backend),
                                            m: m, n: n, k: k, transA: transA, transB: transB)
                    CPUCheck.expectClose(got, want, relative: CPUCheck.sumTolerance(dtype),
                                         floor: dtype == .float32 ? 1e-4 : 1e-12,
                                         "addmm \(backend.vectorWidth) bias \(biasShape) \(dtype) trans \(transA) \(transB)")
                }
            }
        }
    }
}
