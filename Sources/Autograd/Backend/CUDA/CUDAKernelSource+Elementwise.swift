/// Pointwise maths on floating-point elements, with the op codes of `UnaryOp` and `BinaryOp`.
extension CUDAKernelSource {
    static let mathHelpers = #"""
    // float and double overloads, so each kernel is written once in T.
    __device__ __forceinline__ float t_exp(float x) { return expf(x); }
    __device__ __forceinline__ double t_exp(double x) { return exp(x); }
    __device__ __forceinline__ float t_log(float x) { return logf(x); }
    __device__ __forceinline__ double t_log(double x) { return log(x); }
    __device__ __forceinline__ float t_sqrt(float x) { return sqrtf(x); }
    __device__ __forceinline__ double t_sqrt(double x) { return sqrt(x); }
    __device__ __forceinline__ float t_tanh(float x) { return tanhf(x); }
    __device__ __forceinline__ double t_tanh(double x) { return tanh(x); }
    __device__ __forceinline__ float t_pow(float x, float y) { return powf(x, y); }
    __device__ __forceinline__ double t_pow(double x, double y) { return pow(x, y); }
    __device__ __forceinline__ bool is_nan(T x) { return x != x; }
    __device__ __forceinline__ float inf_of(float) { return __int_as_float(0x7f800000); }
    __device__ __forceinline__ double inf_of(double) { return __longlong_as_double(0x7ff0000000000000LL); }
    __device__ __forceinline__ T t_inf() { return inf_of((T)0); }

    """#

    /// The op code the kernels switch on, in `UnaryOp`'s order.
    static func code(_ op: UnaryOp) -> (code: Int, scalar: Double) {
        switch op {
        case .neg: return (0, 0)
        case .exp: return (1, 0)
        case .log: return (2, 0)
        case .sqrt: return (3, 0)
        case .relu: return (4, 0)
        case .sigmoid: return (5, 0)
        case .tanh: return (6, 0)
        case .pow(let p): return (7, p)
        case .scale(let s): return (8, s)
        case .addScalar(let s): return (9, s)
        }
    }

    static func code(_ op: BinaryOp) -> Int {
        switch op {
        case .add: return 0
        case .sub: return 1
        case .mul: return 2
        case .div: return 3
        case .reluBackward: return 4
        case .sigmoidBackward: return 5
        case .tanhBackward: return 6
        }
    }

    static let elementwiseKernels = #"""
    __device__ __forceinline__ T apply_unary(i64 op, T v, T s) {
        switch (op) {
        case 0: return -v;
        case 1: return t_exp(v);
        case 2: return t_log(v);
        case 3: return t_sqrt(v);
        case 4: return v > (T)0 ? v : (is_nan(v) ? v : (T)0);
        case 5: return (T)1 / ((T)1 + t_exp(-v));
        case 6: return t_tanh(v);
        case 7: return t_pow(v, s);
        case 8: return v * s;
        default: return v + s;
        }
    }

    __device__ __forceinline__ T apply_binary(i64 op, T a, T b) {
        switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        case 4: return b <= (T)0 ? (T)0 : a;  // threshold_backward: NaN passes the gradient
        case 5: return a * b * ((T)1 - b);
        default: return a * ((T)1 - b * b);
        }
    }

    struct UnaryArgs { i64* status; const T* x; T* out; i64 n; i64 op; double scalar; i64 magic; };
    KERNEL(unary, UnaryArgs) {
        const T s = (T)p.scalar;
        GRID_LOOP(i, p.n) { p.out[i] = apply_unary(p.op, p.x[i], s); }
    }

    // out (contiguous, n elements) = a op b, each read through its own broadcast strides.
    struct BinaryArgs {
        i64* status; const T* a; const T* b; T* out; i64 n; i64 op;
        i64 rank; i64 size[MAX_DIMS]; i64 aStride[MAX_DIMS]; i64 bStride[MAX_DIMS];
        i64 magic;
    };
    KERNEL(binary, BinaryArgs) {
        GRID_LOOP(i, p.n) {
            i64 oa;
            i64 ob;
            OFFSET_OF(oa, i, p.rank, p.size, p.aStride);
            OFFSET_OF(ob, i, p.rank, p.size, p.bStride);
            p.out[i] = apply_binary(p.op, p.a[oa], p.b[ob]);
        }
    }

    """#
}
