// The column sums of CKernels.h's blitz_sum_middle_f32_avx512 (the bias gradient: a batch of rows
// summed into one): each block of up to 64 columns keeps its sums in four registers while the
// rows stream past, instead of loading and storing every output once per row as the Swift loop
// does. Each column is still summed from 0 in row order, so the results are that loop's and the
// reference's to the bit.

#include "CKernels.h"

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)

#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
#define INLINE static inline __attribute__((always_inline))

INLINE AVX512 __mmask16 lanes16(ptrdiff_t n) {
    return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1u);
}

AVX512 void blitz_sum_middle_f32_avx512(const float *x, float *out, ptrdiff_t outer, ptrdiff_t mid, ptrdiff_t inner,
                                        ptrdiff_t columns) {
    for (ptrdiff_t o = 0; o < outer; o++) {
        const float *block = x + o * mid * inner;
        float *po = out + o * inner;
        for (ptrdiff_t c = 0; c < columns; c += 64) {
            const ptrdiff_t left = columns - c;
            const __mmask16 k0 = lanes16(left), k1 = lanes16(left - 16), k2 = lanes16(left - 32), k3 = lanes16(left - 48);
            __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
            const float *row = block + c;
            for (ptrdiff_t m = 0; m < mid; m++, row += inner) {
                s0 = _mm512_add_ps(s0, _mm512_maskz_loadu_ps(k0, row));
                s1 = _mm512_add_ps(s1, _mm512_maskz_loadu_ps(k1, row + 16));
                s2 = _mm512_add_ps(s2, _mm512_maskz_loadu_ps(k2, row + 32));
                s3 = _mm512_add_ps(s3, _mm512_maskz_loadu_ps(k3, row + 48));
            }
            _mm512_mask_storeu_ps(po + c, k0, s0);
            _mm512_mask_storeu_ps(po + c + 16, k1, s1);
            _mm512_mask_storeu_ps(po + c + 32, k2, s2);
            _mm512_mask_storeu_ps(po + c + 48, k3, s3);
        }
    }
}

#else

// Other architectures: never called (CPUBackend keeps its Swift loops there); the same sums.
void blitz_sum_middle_f32_avx512(const float *x, float *out, ptrdiff_t outer, ptrdiff_t mid, ptrdiff_t inner,
                                 ptrdiff_t columns) {
    for (ptrdiff_t o = 0; o < outer; o++) {
        for (ptrdiff_t i = 0; i < columns; i++) {
            float s = 0;
            for (ptrdiff_t m = 0; m < mid; m++) s += x[(o * mid + m) * inner + i];
            out[o * inner + i] = s;
        }
    }
}

#endif
