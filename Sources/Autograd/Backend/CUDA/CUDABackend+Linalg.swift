/// GEMM through cuBLAS. cuBLAS is column-major and our storages are row-major; a row-major
/// matrix read as column-major is its transpose, so C = op(A)·op(B) is computed as
/// Cᵀ = op(B)ᵀ·op(A)ᵀ: the operands swap places and m and n swap, with no copies.
///
/// k = 0 is a product of empty matrices: by BLAS's definition C = beta·C (zeros when beta is 0,
/// C never read). cuBLAS computes that, but refuses a leading dimension below 1
/// (CUBLAS_STATUS_INVALID_VALUE) even for an operand it does not read, and a row-major k×n or
/// m×k operand has leading dimension k = 0. So every leading dimension is at least 1, as
/// PyTorch's `_cublasAdjustLdLevel3` makes them.
extension CUDABackend {
    public func gemm(_ a: Storage, _ b: Storage, into c: Storage, m: Int, n: Int, k: Int,
                     transA: Bool, transB: Bool, alpha: Double, beta: Double,
                     batch: Int, strideA: Int, strideB: Int, strideC: Int) {
        ensure(a.dtype.isFloatingPoint, "matmul is not defined for int64 tensors")
        ensure(a.dtype == b.dtype && b.dtype == c.dtype, "gemm: \(a.dtype), \(b.dtype) and \(c.dtype)")
        guard m > 0 && n > 0 && batch > 0 else { return }
        let limit = Int(Int32.max)
        ensure(m <= limit && n <= limit && k <= limit && batch <= limit, "gemm: \(m)x\(k)x\(n) (batch \(batch)) is too large for cuBLAS's 32-bit sizes")
        let opA = transA ? CuBLASAPI.opT : CuBLASAPI.opN
        let opB = transB ? CuBLASAPI.opT : CuBLASAPI.opN
        let lda = Int32(Swift.max(transA ? m : k, 1))
        let ldb = Int32(Swift.max(transB ? k : n, 1))
        let ldc = Int32(n)
        let (pa, pb, pc) = (pointer(a), pointer(b), pointer(c))
        let (m32, n32, k32) = (Int32(m), Int32(n), Int32(k))
        makeCurrent()
        withCuBLASHandle { handle in
            let status: CuBLASAPI.Status
            let call: String
            switch (a.dtype, batch) {
            case (.float32, 1):
                var (al, be) = (Float(alpha), Float(beta))
                status = cublas.cublasSgemm(handle, opB, opA, n32, m32, k32, &al, pb, ldb, pa, lda, &be, pc, ldc)
                call = "cublasSgemm_v2"
            case (.float32, _):
                var (al, be) = (Float(alpha), Float(beta))
                status = cublas.cublasSgemmStridedBatched(handle, opB, opA, n32, m32, k32, &al, pb, ldb, Int64(strideB),
                                                          pa, lda, Int64(strideA), &be, pc, ldc, Int64(strideC), Int32(batch))
                call = "cublasSgemmStridedBatched"
            case (_, 1):
                var (al, be) = (alpha, beta)
                status = cublas.cublasDgemm(handle, opB, opA, n32, m32, k32, &al, pb, ldb, pa, lda, &be, pc, ldc)
                call = "cublasDgemm_v2"
            default:
                var (al, be) = (alpha, beta)
                status = cublas.cublasDgemmStridedBatched(handle, opB, opA, n32, m32, k32, &al, pb, ldb, Int64(strideB),
                                                          pa, lda, Int64(strideA), &be, pc, ldc, Int64(strideC), Int32(batch))
                call = "cublasDgemmStridedBatched"
            }
            cublas.require(status, "\(call)(m: \(m), n: \(n), k: \(k), batch: \(batch))")
        }
        waitIfLaunchBlocking("cuBLAS's GEMM (m: \(m), n: \(n), k: \(k), batch: \(batch))")
    }

    private func pointer(_ s: Storage) -> UnsafeMutableRawPointer { s.pointer }
}
