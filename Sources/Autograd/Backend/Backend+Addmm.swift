/// addmm's forward, `bias + A·B`, composed from a backend's own kernels: the definition, and what
/// a backend runs unless it fuses the bias into the product (CPUBackend does: its float32 GEMM
/// adds a bias row in the same store that writes C, instead of filling C with the broadcast bias
/// first and reading it back with beta = 1).
extension Backend {
    public func addmm(_ bias: Storage, biasShape: [Int], _ a: Storage, _ b: Storage, m: Int, n: Int, k: Int,
                      transA: Bool, transB: Bool) -> Storage {
        addmmComposed(bias, biasShape: biasShape, a, b, m: m, n: n, k: k, transA: transA, transB: transB)
    }

    /// C = the bias broadcast to [m, n], then C += op(A) · op(B) (row-major, beta = 1).
    public func addmmComposed(_ bias: Storage, biasShape: [Int], _ a: Storage, _ b: Storage,
                              m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false) -> Storage {
        let out = expand(bias, shape: biasShape, to: [m, n])
        gemm(a, b, into: out, m: m, n: n, k: k, transA: transA, transB: transB, alpha: 1, beta: 1,
             batch: 1, strideA: 0, strideB: 0, strideC: 0)
        return out
    }
}
