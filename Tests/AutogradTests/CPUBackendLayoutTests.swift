import Autograd
import Testing

/// permute and gemm against the reference.
@Suite("CPUBackend layout and matrix products")
struct CPUBackendLayoutTests {
    /// Every permutation of 0..<n.
    static func permutations(_ n: Int) -> [[Int]] {
        if n == 0 { return [[]] }
        var out: [[Int]] = []
        for rest in permutations(n - 1) {
            for position in 0...rest.count {
                var p = rest
                p.insert(n - 1, at: position)
                out.append(p)
            }
        }
        return out
    }

    @Test(arguments: [DType.float32, .float64, .int64], CPUCheck.backends)
    func permuteMatchesReference(dtype: DType, backend: CPUBackend) {
        var cases: [([Int], [Int])] = [([], []), ([5], [0]), ([5, 7], [1, 0]), ([5, 7], [0, 1]), ([1, 7], [1, 0]),
                                       ([33, 65], [1, 0]), ([300, 500], [1, 0]), ([6, 4, 200], [1, 0, 2])]
        for shape in [[3, 4, 5], [2, 1, 3], [4, 1, 1]] {
            for order in Self.permutations(3) { cases.append((shape, order)) }
        }
        for shape in [[2, 3, 4, 5], [2, 1, 3, 4]] {
            for order in Self.permutations(4) { cases.append((shape, order)) }
        }
        for (k, (shape, order)) in cases.enumerated() {
            let raw = CPUCheck.values(Shape.count(shape), seed: UInt64(k) + 50, low: -1000, high: 1000)
            let fast = backend.permute(CPUCheck.storage(raw, dtype, on: backend), shape: shape, order: order)
            let slow = CPUCheck.reference.permute(CPUCheck.storage(raw, dtype, on: CPUCheck.reference), shape: shape, order: order)
            CPUCheck.expectSame(fast, slow, "permute \(shape) by \(order) \(dtype)")
        }
    }

    /// Every backend (so every vector width this CPU has: float32 products at AVX-512 run
    /// blitz-tui's own kernel, narrower ones OpenBLAS), including the MLP's shapes. Both sides round
    /// in float32 and in different orders: results that cancel to near zero differ by up to about
    /// k ulps of the terms, hence the floor growing with k.
    @Test(arguments: CPUCheck.dtypes)
    func gemmMatchesReference(dtype: DType) {
        let sizes = [(1, 1, 1), (3, 5, 7), (16, 9, 33), (64, 10, 120), (32, 128, 64), (13, 33, 40)]
        for backend in CPUCheck.backends {
            for (m, n, k) in sizes {
                for transA in [false, true] {
                    for transB in [false, true] {
                        for (alpha, beta) in [(1.0, 0.0), (0.5, 1.0), (-2.0, 0.25)] {
                            let batch = 2
                            let a = CPUCheck.values(batch * m * k, seed: 60)
                            let b = CPUCheck.values(batch * k * n, seed: 61)
                            let c = CPUCheck.values(batch * m * n, seed: 62)
                            let fastC = CPUCheck.storage(c, dtype, on: backend)
                            let slowC = CPUCheck.storage(c, dtype, on: CPUCheck.reference)
                            backend.gemm(CPUCheck.storage(a, dtype, on: backend), CPUCheck.storage(b, dtype, on: backend),
                                         into: fastC, m: m, n: n, k: k, transA: transA, transB: transB, alpha: alpha,
                                         beta: beta, batch: batch, strideA: m * k, strideB: k * n, strideC: m * n)
                            CPUCheck.reference.gemm(CPUCheck.storage(a, dtype, on: CPUCheck.reference),
                                                    CPUCheck.storage(b, dtype, on: CPUCheck.reference),
                                                    into: slowC, m: m, n: n, k: k, transA: transA, transB: transB,
                                                    alpha: alpha, beta: beta, batch: batch, strideA: m * k, strideB: k * n,
                                                    strideC: m * n)
                            CPUCheck.expectClose(fastC, slowC, relative: CPUCheck.sumTolerance(dtype),
                                                 floor: dtype == .float32 ? 1e-5 * Double(Swift.max(1, k / 16)) : 1e-12,
                                                 "gemm \(backend.vectorWidth) \(m)×\(n)×\(k) transA=\(transA) transB=\(transB) α=\(alpha) β=\(beta)")
                        }
                    }
                }
            }
        }
    }

    /// A product of empty matrices (k = 0) is C = beta·C, as BLAS defines it: zeros when beta is
    /// 0 (C's old values, NaN here, are never read), C scaled otherwise. BLAS requires leading
    /// dimensions of at least 1, and a row-major operand with k = 0 has 0.
    @Test(arguments: CPUCheck.dtypes)
    func gemmWithEmptyInnerDimension(dtype: DType) {
        let (m, n, batch) = (3, 4, 2)
        for backend: any Backend in [CPUCheck.reference] + CPUCheck.backends {
            for transA in [false, true] {
                for transB in [false, true] {
                    let empty = CPUCheck.storage([], dtype, on: backend)
                    let zeroed = CPUCheck.storage([Double](repeating: .nan, count: batch * m * n), dtype, on: backend)
                    backend.gemm(empty, empty, into: zeroed, m: m, n: n, k: 0, transA: transA, transB: transB,
                                 alpha: 1, beta: 0, batch: batch, strideA: 0, strideB: 0, strideC: m * n)
                    #expect(CPUCheck.read(zeroed) == [Double](repeating: 0, count: batch * m * n),
                            "\(backend.name) k = 0, beta 0, transA=\(transA) transB=\(transB)")
                    let c = CPUCheck.values(batch * m * n, seed: 63)
                    let scaled = CPUCheck.storage(c, dtype, on: backend)
                    backend.gemm(empty, empty, into: scaled, m: m, n: n, k: 0, transA: transA, transB: transB,
                                 alpha: 2, beta: 0.5, batch: batch, strideA: 0, strideB: 0, strideC: m * n)
                    let want = CPUCheck.read(CPUCheck.storage(c.map { $0 * 0.5 }, dtype, on: backend))
                    #expect(CPUCheck.read(scaled) == want, "\(backend.name) k = 0, beta 0.5, transA=\(transA) transB=\(transB)")
                }
            }
        }
    }
}
