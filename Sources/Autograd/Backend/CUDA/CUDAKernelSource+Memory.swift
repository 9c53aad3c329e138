/// Kernels that move or convert elements: defined for every dtype, int64 included.
extension CUDAKernelSource {
    static let memoryKernels = #"""
    struct FillArgs { i64* status; T* out; i64 n; double value; i64 ivalue; i64 magic; };
    KERNEL(fill, FillArgs) {
    #if BLITZ_FLOAT
        const T v = (T)p.value;
    #else
        const T v = (T)p.ivalue;
    #endif
        GRID_LOOP(i, p.n) { p.out[i] = v; }
    }

    // out[i] = x[offset of i]: expand (broadcast strides are 0) and permute (permuted strides).
    struct StridedArgs { i64* status; const T* x; T* out; i64 n; i64 rank; i64 size[MAX_DIMS]; i64 stride[MAX_DIMS]; i64 magic; };
    KERNEL(strided_copy, StridedArgs) {
        GRID_LOOP(i, p.n) {
            i64 offset;
            OFFSET_OF(offset, i, p.rank, p.size, p.stride);
            p.out[i] = p.x[offset];
        }
    }

    // Through double, as the reference converts; to int64 truncates toward zero.
    struct CastArgs { i64* status; const T* x; void* out; i64 n; i64 to; i64 magic; };
    KERNEL(cast, CastArgs) {
        GRID_LOOP(i, p.n) {
            const double v = (double)p.x[i];
            if (p.to == 0) {
                ((float*)p.out)[i] = (float)v;
            } else if (p.to == 1) {
                ((double*)p.out)[i] = v;
            } else {
                ((i64*)p.out)[i] = (i64)v;
            }
        }
    }

    // out[o, j, i] = x[o, index[o, j, i], i]; an index out of range is reported, not read.
    struct GatherArgs { i64* status; const T* x; const i64* index; T* out; i64 outer; i64 size; i64 inner; i64 indexSize; i64 magic; };
    KERNEL(gather, GatherArgs) {
        GRID_LOOP(j, p.outer * p.indexSize * p.inner) {
            const i64 i = j % p.inner;
            const i64 o = j / (p.indexSize * p.inner);
            const i64 k = p.index[j];
            if (k < 0 || k >= p.size) {
                report(p.status, STATUS_INDEX, k, p.size);
                p.out[j] = (T)0;
            } else {
                p.out[j] = p.x[(o * p.size + k) * p.inner + i];
            }
        }
    }

    // The adjoint of gather, computed per output element (no atomics, so the sum runs in the
    // reference's order and the result does not vary from run to run): x is the gradient.
    KERNEL(scatter_add, GatherArgs) {
        GRID_LOOP(t, p.outer * p.size * p.inner) {
            const i64 i = t % p.inner;
            const i64 s = (t / p.inner) % p.size;
            const i64 o = t / (p.size * p.inner);
            T acc = (T)0;
            for (i64 j = 0; j < p.indexSize; ++j) {
                const i64 src = (o * p.indexSize + j) * p.inner + i;
                if (p.index[src] == s) acc += p.x[src];
            }
            p.out[t] = acc;
        }
    }

    """#
}
