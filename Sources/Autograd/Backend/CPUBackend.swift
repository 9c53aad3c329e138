import CBLAS
import Synchronization

/// The CPU backend: OpenBLAS for every matrix product (and so for convolution), and the
/// reference loops elsewhere until a faster kernel earns its place by measurement.
public final class CPUBackend: ReferenceBackend, @unchecked Sendable {
    private let threads = Atomic<Int>(0)

    public override init() {
        super.init()
        threads.store(Int(openblas_get_num_threads()), ordering: .relaxed)
    }

    public override var name: String { "cpu" }

    /// Threads used by BLAS and by the parallel loops.
    public var numThreads: Int { threads.load(ordering: .relaxed) }

    /// Sets the thread count (like torch.set_num_threads).
    public func setNumThreads(_ n: Int) {
        let n = Swift.max(1, n)
        threads.store(n, ordering: .relaxed)
        openblas_set_num_threads(Int32(n))
    }

    public override func gemm(_ a: Storage, _ b: Storage, into c: Storage, m: Int, n: Int, k: Int,
                              transA: Bool, transB: Bool, alpha: Double, beta: Double,
                              batch: Int, strideA: Int, strideB: Int, strideC: Int) {
        let ta = transA ? CblasTrans : CblasNoTrans
        let tb = transB ? CblasTrans : CblasNoTrans
        let lda = Int32(transA ? m : k), ldb = Int32(transB ? k : n), ldc = Int32(n)
        for i in 0..<batch {
            switch a.dtype {
            case .float32:
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), Float(alpha),
                            a.buffer(Float.self) + i * strideA, lda, b.buffer(Float.self) + i * strideB, ldb,
                            Float(beta), c.buffer(Float.self) + i * strideC, ldc)
            case .float64:
                cblas_dgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), alpha,
                            a.buffer(Double.self) + i * strideA, lda, b.buffer(Double.self) + i * strideB, ldb,
                            beta, c.buffer(Double.self) + i * strideC, ldc)
            case .int64:
                preconditionFailure("matmul is not defined for int64 tensors")
            }
        }
    }
}
