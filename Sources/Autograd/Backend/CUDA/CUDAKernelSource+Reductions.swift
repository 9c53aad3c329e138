/// Sums (every dtype) and the per-dimension kernels: max, log_softmax and its backward.
extension CUDAKernelSource {
    static let reductionKernels = #"""
    // Output o (row-major over the kept dimensions) sums reduceCount elements of x.
    struct SumArgs {
        i64* status; const T* x; T* out; i64 outCount; i64 reduceCount;
        i64 keptRank; i64 keptSize[MAX_DIMS]; i64 keptStride[MAX_DIMS];
        i64 redRank; i64 redSize[MAX_DIMS]; i64 redStride[MAX_DIMS];
        i64 magic;
    };

    // One thread per output: for short reductions.
    KERNEL(sum_thread, SumArgs) {
        GRID_LOOP(o, p.outCount) {
            i64 base;
            OFFSET_OF(base, o, p.keptRank, p.keptSize, p.keptStride);
            T s = (T)0;
            for (i64 r = 0; r < p.reduceCount; ++r) {
                i64 offset;
                OFFSET_OF(offset, r, p.redRank, p.redSize, p.redStride);
                s += p.x[base + offset];
            }
            p.out[o] = s;
        }
    }

    // One block per output: each thread sums a strided share, then a tree in shared memory.
    BLOCK_KERNEL(sum_block, SumArgs) {
        __shared__ T partial[BLOCK_THREADS];
        for (i64 o = blockIdx.x; o < p.outCount; o += gridDim.x) {
            i64 base;
            OFFSET_OF(base, o, p.keptRank, p.keptSize, p.keptStride);
            T s = (T)0;
            for (i64 r = threadIdx.x; r < p.reduceCount; r += blockDim.x) {
                i64 offset;
                OFFSET_OF(offset, r, p.redRank, p.redSize, p.redStride);
                s += p.x[base + offset];
            }
            partial[threadIdx.x] = s;
            __syncthreads();
            for (unsigned w = blockDim.x / 2; w > 0; w >>= 1) {
                if (threadIdx.x < w) partial[threadIdx.x] += partial[threadIdx.x + w];
                __syncthreads();
            }
            if (threadIdx.x == 0) p.out[o] = partial[0];
            __syncthreads();
        }
    }

    // Each block writes the sum of squares of its share, in double, to partial[blockIdx.x].
    struct SquaresArgs { i64* status; const T* x; double* partial; i64 n; i64 magic; };
    BLOCK_KERNEL(sum_squares, SquaresArgs) {
        __shared__ double partial[BLOCK_THREADS];
        double s = 0.0;
        GRID_LOOP(i, p.n) {
            const double v = (double)p.x[i];
            s += v * v;
        }
        partial[threadIdx.x] = s;
        __syncthreads();
        for (unsigned w = blockDim.x / 2; w > 0; w >>= 1) {
            if (threadIdx.x < w) partial[threadIdx.x] += partial[threadIdx.x + w];
            __syncthreads();
        }
        if (threadIdx.x == 0) p.partial[blockIdx.x] = partial[0];
    }

    """#

    static let dimensionKernels = #"""
    // One thread per (outer, inner) position of an (outer, size, inner) view.
    struct MaxArgs { i64* status; const T* x; T* values; i64* indices; i64 outer; i64 size; i64 inner; i64 magic; };
    KERNEL(max_dim, MaxArgs) {
        GRID_LOOP(j, p.outer * p.inner) {
            const i64 o = j / p.inner;
            const i64 i = j % p.inner;
            const T* row = p.x + o * p.size * p.inner + i;
            T best = row[0];
            i64 bestIndex = 0;
            // torch.max(dim): the first maximum wins, and a NaN is the maximum.
            for (i64 k = 1; k < p.size; ++k) {
                const T v = row[k * p.inner];
                if (is_nan(best)) break;
                if (v > best || is_nan(v)) {
                    best = v;
                    bestIndex = k;
                }
            }
            p.values[j] = best;
            p.indices[j] = bestIndex;
        }
    }

    // x: input (forward) or gradient (backward); y: the forward output (backward only).
    struct SoftmaxArgs { i64* status; const T* x; const T* y; T* out; i64 outer; i64 size; i64 inner; i64 magic; };
    KERNEL(log_softmax, SoftmaxArgs) {
        GRID_LOOP(j, p.outer * p.inner) {
            const i64 base = (j / p.inner) * p.size * p.inner + j % p.inner;
            T m = -t_inf();
            for (i64 k = 0; k < p.size; ++k) {
                const T v = p.x[base + k * p.inner];
                m = v >= m ? v : m;
            }
            T s = (T)0;
            for (i64 k = 0; k < p.size; ++k) s += t_exp(p.x[base + k * p.inner] - m);
            // (x − max) − log Σ, as PyTorch and the reference compute it.
            const T logSum = t_log(s);
            for (i64 k = 0; k < p.size; ++k) p.out[base + k * p.inner] = (p.x[base + k * p.inner] - m) - logSum;
        }
    }

    KERNEL(log_softmax_backward, SoftmaxArgs) {
        GRID_LOOP(j, p.outer * p.inner) {
            const i64 base = (j / p.inner) * p.size * p.inner + j % p.inner;
            T s = (T)0;
            for (i64 k = 0; k < p.size; ++k) s += p.x[base + k * p.inner];
            for (i64 k = 0; k < p.size; ++k) {
                const i64 at = base + k * p.inner;
                p.out[at] = p.x[at] - t_exp(p.y[at]) * s;
            }
        }
    }

    """#
}
