import CKernels

/// Matrix products on OpenBLAS, run on this backend's threads rather than OpenBLAS's.
///
/// OpenBLAS keeps one thread count for the whole process, and once its worker threads have run
/// a product they spin (calling sched_yield) for a long while before they sleep. In a training
/// step, where products alternate with this backend's own parallel loops, those spinning
/// workers took the second core away from the loops: on the 2-core test machine a batch-64
/// blitz Net step ran no faster on two threads than on one, with 12% of all samples in
/// sched_yield. So OpenBLAS is set to one thread once, and a product large enough to share is
/// cut into slabs of rows or columns of C, one single-threaded call per slab, on CPUParallel.

///
/// float32 products on a backend that runs AVX-512 use blitz-tui's own kernel instead
/// (sgemm_avx512.c): OpenBLAS may be running its AVX2 kernels there (OPENBLAS_CORETYPE, or a CPU
/// it does not know), half of what the CPU can do. float64, and float32 at narrower widths,
/// stay on OpenBLAS.

/// The element types the backend multiplies.
protocol BLASElement: FloatElement {
    /// Row-major C = alpha·op(A)·op(B) + beta·C + bias with leading dimensions, on the calling
    /// thread; `bias` (n values, or nil) is added to every row. `wide`: the backend runs AVX-512
    /// kernels (only float32 has one, which adds the bias in its store; elsewhere the bias is
    /// written into C first and OpenBLAS adds the product to it).
    static func gemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, alpha: Self,
                     _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int,
                     beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int, wide: Bool, bias: UnsafePointer<Self>?)
}

extension BLASElement {
    /// C = beta·C + bias, row by row (C not read when beta is 0), and the beta that then adds a
    /// product to it: how a bias reaches a BLAS call that cannot add one itself.
    static func prefill(_ bias: UnsafePointer<Self>?, beta: Self, _ m: Int, _ n: Int, _ c: UnsafeMutablePointer<Self>,
                        _ ldc: Int) -> Self {
        guard let bias else { return beta }
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 {
                row.update(from: bias, count: n)
            } else {
                for j in 0..<n { row[j] = beta * row[j] + bias[j] }
            }
        }
        return 1
    }
}

extension Float: BLASElement {
    static func gemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, alpha: Float,
                     _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                     beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, wide: Bool,
                     bias: UnsafePointer<Float>?) {
        if wide {
            blitz_sgemm_avx512(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias)
        } else {
            let beta = prefill(bias, beta: beta, m, n, c, ldc)
            blitz_sgemm(transA, transB, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c,
                        Int32(ldc))
        }
    }
}

extension Double: BLASElement {
    static func gemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, alpha: Double,
                     _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
                     beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int, wide: Bool,
                     bias: UnsafePointer<Double>?) {
        let beta = prefill(bias, beta: beta, m, n, c, ldc)
        blitz_dgemm(transA, transB, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

enum CPUGemm {
    /// Products with fewer multiply-adds (m·n·k) than this stay on one thread: waking another
    /// costs more than it saves (OpenBLAS's own cut-off is 2¹⁸).
    static let parallelWork = 1 << 21

    /// Slabs are multiples of this many rows or columns, so each call keeps whole register tiles.
    static let slabAlignment = 16

    /// Puts OpenBLAS on one thread, once per process, before the first product.
    static let singleThreadedBLAS: Void = blitz_openblas_set_num_threads(1)

    /// C = alpha·op(A)·op(B) + beta·C (+ a bias row) over up to `threads` slabs of C: rows when C is taller than
    /// wide, columns otherwise. Each slab is an ordinary single-threaded product of the same
    /// operands (offset pointers, same leading dimensions), so the result is the one OpenBLAS
    /// computes for that slab whatever the thread count.
    static func multiply<T: BLASElement>(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, alpha: T,
                                         _ a: UnsafePointer<T>, _ lda: Int, _ b: UnsafePointer<T>, _ ldb: Int,
                                         beta: T, _ c: UnsafeMutablePointer<T>, _ ldc: Int, threads: Int,
                                         wide: Bool = false, bias: UnsafePointer<T>? = nil) {
        _ = singleThreadedBLAS
        let byRows = m > n
        let extent = byRows ? m : n
        let slabs = m * n * k < parallelWork ? 1 : Swift.min(threads, extent / slabAlignment)
        if slabs <= 1 {
            T.gemm(transA, transB, m, n, k, alpha: alpha, a, lda, b, ldb, beta: beta, c, ldc, wide: wide, bias: bias)
            return
        }
        let units = (extent + slabAlignment - 1) / slabAlignment
        CPUParallel.forChunks(units, chunks: slabs) { _, range in
            let start = range.lowerBound * slabAlignment
            let end = Swift.min(range.upperBound * slabAlignment, extent)
            if byRows {
                // Rows of C are rows of op(A): columns of A when A is transposed.
                T.gemm(transA, transB, end - start, n, k, alpha: alpha, a + (transA ? start : start * lda), lda, b, ldb,
                       beta: beta, c + start * ldc, ldc, wide: wide, bias: bias)
            } else {
                // Columns of C are columns of op(B): rows of B when B is transposed.
                T.gemm(transA, transB, m, end - start, k, alpha: alpha, a, lda, b + (transB ? start * ldb : start), ldb,
                       beta: beta, c + start, ldc, wide: wide, bias: bias.map { $0 + start })
            }
        }
    }
}
