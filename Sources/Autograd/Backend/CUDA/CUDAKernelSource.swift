/// The CUDA C source of every kernel, assembled per element type and compiled by NVRTC.
///
/// One module per dtype: the source starts with `typedef float T;` (or double, or long long)
/// and holds every kernel written once in terms of T; float-only kernels (maths, convolution,
/// optimizers) are left out of the int64 module. Conventions that the host side relies on:
///   - every kernel takes one argument, a struct passed by value whose first field is the
///     backend's status word and whose last is ARGS_MAGIC; `KernelArguments` packs it as
///     8-byte slots in field order, so every field is 8 bytes (pointers, i64, double);
///   - a kernel that finds a bad argument block or a bad index writes the status word (the
///     first report wins) and the host turns it into a precondition failure at its next
///     synchronisation: no round trip per op;
///   - grid-stride loops, so any grid size covers any n; BLOCK_KERNELs need blockDim = 256.
/// The KERNEL macros are guarded so the CPU emulator used by the tests can define its own.
public enum CUDAKernelSource {
    /// The source of the module for `dtype`.
    public static func source(for dtype: DType) -> String {
        var text = header(dtype)
        text += kernelIDs
        text += common
        text += memoryKernels
        text += reductionKernels
        if dtype.isFloatingPoint {
            text += mathHelpers
            text += elementwiseKernels
            text += dimensionKernels
            text += convolutionKernels
            text += optimizerKernels
        }
        return text
    }

    /// The kernels that the module for `dtype` defines.
    public static func kernels(for dtype: DType) -> [CUDAKernel] {
        CUDAKernel.allCases.filter { dtype.isFloatingPoint || !$0.isFloatOnly }
    }

    static func header(_ dtype: DType) -> String {
        let type: String
        switch dtype {
        case .float32: type = "float"
        case .float64: type = "double"
        case .int64: type = "long long"
        }
        return """
        // blitz-tui kernels for \(dtype), compiled at run time by NVRTC.
        typedef \(type) T;
        #define BLITZ_FLOAT \(dtype.isFloatingPoint ? 1 : 0)

        """
    }

    static var kernelIDs: String {
        CUDAKernel.allCases.map { "#define KID_\($0.symbol) \($0.rawValue)\n" }.joined()
    }

    static let common = #"""
    typedef long long i64;
    typedef unsigned long long u64;
    #define MAX_DIMS 8
    #define BLOCK_THREADS 256
    #define ARGS_MAGIC 0x426c69747a4b726eLL
    #define STATUS_ARGS 1
    #define STATUS_INDEX 2

    // The first report wins; the host reads the word at its next synchronisation.
    __device__ __forceinline__ void report(i64* status, i64 code, i64 a, i64 b) {
        if (atomicCAS((u64*)status, 0ULL, (u64)code) == 0ULL) {
            status[1] = a;
            status[2] = b;
        }
    }

    #ifndef KERNEL
    // A kernel checks its argument block, then runs its body, which sees the block as `p`.
    #define KERNEL(name, Args) \
        __device__ __forceinline__ void name##_body(const Args& p); \
        extern "C" __global__ void name(const Args p) { \
            if (p.magic != ARGS_MAGIC) { \
                if (blockIdx.x == 0 && threadIdx.x == 0) report(p.status, STATUS_ARGS, KID_##name, (i64)sizeof(Args)); \
                return; \
            } \
            name##_body(p); \
        } \
        __device__ __forceinline__ void name##_body(const Args& p)
    // The same, for kernels that synchronise a block of BLOCK_THREADS threads.
    #define BLOCK_KERNEL(name, Args) KERNEL(name, Args)
    #endif

    #define GRID_LOOP(i, n) \
        for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64)blockDim.x * gridDim.x)

    // The offset of row-major position `index` of a shape whose dimension d has size SIZE[d]
    // and stride STRIDE[d] in the source. Unrolled with constant indices so the sizes stay in
    // the kernel's parameter space instead of being copied to local memory.
    // A walk of rank 1 (what coalescing makes of most) needs no division at all.
    #define OFFSET_OF(result, index, rank, SIZE, STRIDE) { \
        if ((rank) == 1) { \
            result = (index) * STRIDE[0]; \
        } else { \
            i64 rem_ = (index); \
            result = 0; \
            _Pragma("unroll") \
            for (int d_ = MAX_DIMS - 1; d_ >= 0; --d_) { \
                if (d_ < (rank)) { \
                    i64 q_ = rem_ % SIZE[d_]; \
                    rem_ /= SIZE[d_]; \
                    result += q_ * STRIDE[d_]; \
                } \
            } \
        } \
    }

    """#
}

/// Every kernel, with the id the status word reports and its name in the source.
public enum CUDAKernel: Int, CaseIterable, Sendable {
    case fill = 1
    case stridedCopy
    case cast
    case gather
    case scatterAdd
    case sumThread
    case sumBlock
    case sumSquares
    case unary
    case binary
    case maxDim
    case logSoftmax
    case logSoftmaxBackward
    case im2col
    case col2im
    case maxPool
    case maxPoolBackward
    case sgd
    case adam

    /// The extern "C" name in the source.
    public var symbol: String {
        switch self {
        case .fill: return "fill"
        case .stridedCopy: return "strided_copy"
        case .cast: return "cast"
        case .gather: return "gather"
        case .scatterAdd: return "scatter_add"
        case .sumThread: return "sum_thread"
        case .sumBlock: return "sum_block"
        case .sumSquares: return "sum_squares"
        case .unary: return "unary"
        case .binary: return "binary"
        case .maxDim: return "max_dim"
        case .logSoftmax: return "log_softmax"
        case .logSoftmaxBackward: return "log_softmax_backward"
        case .im2col: return "im2col"
        case .col2im: return "col2im"
        case .maxPool: return "max_pool"
        case .maxPoolBackward: return "max_pool_backward"
        case .sgd: return "sgd"
        case .adam: return "adam"
        }
    }

    var isFloatOnly: Bool {
        switch self {
        case .fill, .stridedCopy, .cast, .gather, .scatterAdd, .sumThread, .sumBlock, .sumSquares: return false
        default: return true
        }
    }
}
