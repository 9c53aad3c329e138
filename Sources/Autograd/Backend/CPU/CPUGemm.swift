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
    /// Row-major C = alpha·op(A)·op(B) + beta·C with leading dimensions, on the calling thread.
    /// `wide`: the backend runs AVX-512 kernels (only float32 has one; others ignore it).
    static func gemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, alpha: Self,
                     _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int,
                     beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int, wide: Bool)
}

extension Float: BLASElement {
    static func gemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, alpha: Float,
                     _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                     beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, wide: Bool) {
        if wide {
            blitz_sgemm_avx512(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil)
        } else {
            blitz_sgemm(transA, transB, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c,
                        Int32(ldc))
        }
    }
}

extension Double: BLASElement {
    static func gemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, alpha: Double,
                     _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
                     beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int, wide: Bool) {
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

    /// C = alpha·op(A)·op(B) + beta·C over up to `threads` slabs of C: rows when C is taller than
    /// wide, columns otherwise. Each slab is an ordinary single-threaded product of the same
    /// operands (offset pointers, same leading dimensions), so the result is the one OpenBLAS
    /// computes for that slab whatever the thread count.
    static func multiply<T: BLASElement>(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, alpha: T,
                                         _ a: UnsafePointer<T>, _ lda: Int, _ b: UnsafePointer<T>, _ ldb: Int,
                                         beta: T, _ c: UnsafeMutablePointer<T>, _ ldc: Int, threads: Int,
                                         wide: Bool = false) {
        _ = singleThreadedBLAS
        let byRows = m > n
        let extent = byRows ? m : n
        let slabs = m * n * k < parallelWork ? 1 : Swift.min(threads, extent / slabAlignment)
        if slabs <= 1 {
            T.gemm(transA, transB, m, n, k, alpha: alpha, a, lda, b, ldb, beta: beta, c, ldc, wide: wide)
            return
        }
        let units = (extent + slabAlignment - 1) / slabAlignment
        CPUParallel.forChunks(units, chunks: slabs) { _, range in
            let start = range.lowerBound * slabAlignment
            let end = Swift.min(range.upperBound * slabAlignment, extent)
            if byRows {
                // Rows of C are rows of op(A): columns of A when A is transposed.
                T.gemm(transA, transB, end - start, n, k, alpha: alpha, a + (transA ? start : start * lda), lda, b, ldb,
                       beta: beta, c + start * ldc, ldc, wide: wide)
            } else {
                // Columns of C are columns of op(B): rows of B when B is transposed.
                T.gemm(transA, transB, m, end - start, k, alpha: alpha, a, lda, b + (transB ? start * ldb : start), ldb,
                       beta: beta, c + start, ldc, wide: wide)
            }
        }
    }
}
