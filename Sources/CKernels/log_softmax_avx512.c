// log_softmax along contiguous rows (the classifier's last dimension) for AVX-512, float32, and its
// backward; CKernels.h states the contracts.
//
// libm's expf is one call per element and the Swift loops walk each row three times; a row of a
// classifier's logits is short (10 classes: one masked register), so here a row is loaded once and
// its max, exponentials and outputs stay in registers. exp is a vector polynomial (Cephes' expf:
// n = round(x·log₂e), the remainder against a two-part ln 2, a degree-6 polynomial, and scalef for
// the 2ⁿ, which also gives 0 and ∞ at the ends): within 1 ulp of the correctly rounded value over
// float32's normal range (checked against double exp); the row's log stays libm's logf. The
// forward sums in the reference's order (see ordered_sum); the backward's sum of the gradient is
// in vector partial sums, as the Swift loop's already is.
// NaN rules are the reference's: the max skips a NaN (vmaxps returns its second operand when
// either is NaN), which then reaches the sum and makes the whole row NaN.

#include "CKernels.h"

#include <math.h>

// Only the fused multiply-adds written out below: the rest rounds each operation, as the reference.
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)

#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
#define INLINE static inline __attribute__((always_inline))

// e^x per lane; NaN stays NaN, e^−∞ = 0, e^∞ = ∞.
INLINE AVX512 __m512 exp16(__m512 x) {
    // Clamped where e^x is 0 or ∞ in float32 anyway (with the bound first, a NaN x is kept),
    // so that n·ln 2 stays finite.
    x = _mm512_min_ps(_mm512_set1_ps(89.0f), x);
    x = _mm512_max_ps(_mm512_set1_ps(-104.0f), x);
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    const __m512 y = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(y, n);
}

// s + e[0] + e[1] + … in that order: the reference's order. The output at a row's max is −log Σ,
// and with Σ near 1 that log magnifies the sum's rounding; a tree of partial sums measured
// 9e-5 relative off the reference there, the exponentials' own rounding far less.
INLINE float ordered_sum(const float *e, ptrdiff_t n, float s) {
    for (ptrdiff_t i = 0; i < n; i++) s += e[i];
    return s;
}

INLINE AVX512 __mmask16 lanes16(ptrdiff_t n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u); }

AVX512 void blitz_log_softmax_rows_f32_avx512(const float *x, float *out, ptrdiff_t rows, ptrdiff_t size) {
    for (ptrdiff_t row = 0; row < rows; row++) {
        const float *px = x + row * size;
        float *po = out + row * size;
        if (size <= 16) {
            // The common case: the whole row in one register.
            const __mmask16 k = lanes16(size);
            const __m512 v = _mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), k, px);
            const float m = _mm512_reduce_max_ps(v);
            const __m512 shifted = _mm512_sub_ps(v, _mm512_set1_ps(m));
            float e[16];
            _mm512_storeu_ps(e, exp16(shifted));
            const float s = ordered_sum(e, size, 0);
            _mm512_mask_storeu_ps(po, k, _mm512_sub_ps(shifted, _mm512_set1_ps(logf(s))));
            // A NaN in the row: reduce_max's pairwise order may have kept it; the sum is NaN either way.
            continue;
        }
        __m512 mv = _mm512_set1_ps(-INFINITY);
        for (ptrdiff_t i = 0; i < size; i += 16) {
            const __mmask16 k = lanes16(size - i);
            mv = _mm512_max_ps(_mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), k, px + i), mv);
        }
        const __m512 m = _mm512_set1_ps(_mm512_reduce_max_ps(mv));
        float s = 0;
        for (ptrdiff_t i = 0; i < size; i += 16) {
            float e[16];
            _mm512_storeu_ps(e, exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(lanes16(size - i), px + i), m)));
            s = ordered_sum(e, size - i < 16 ? size - i : 16, s);
        }
        const __m512 logSum = _mm512_set1_ps(logf(s));
        for (ptrdiff_t i = 0; i < size; i += 16) {
            const __mmask16 k = lanes16(size - i);
            const __m512 v = _mm512_maskz_loadu_ps(k, px + i);
            _mm512_mask_storeu_ps(po + i, k, _mm512_sub_ps(_mm512_sub_ps(v, m), logSum));
        }
    }
}

AVX512 void blitz_log_softmax_backward_rows_f32_avx512(const float *grad, const float *output, float *out,
                                                       ptrdiff_t rows, ptrdiff_t size) {
    for (ptrdiff_t row = 0; row < rows; row++) {
        const float *pg = grad + row * size, *py = output + row * size;
        float *po = out + row * size;
        __m512 sv = _mm512_setzero_ps();
        for (ptrdiff_t i = 0; i < size; i += 16) sv = _mm512_add_ps(sv, _mm512_maskz_loadu_ps(lanes16(size - i), pg + i));
        const __m512 s = _mm512_set1_ps(_mm512_reduce_add_ps(sv));
        for (ptrdiff_t i = 0; i < size; i += 16) {
            const __mmask16 k = lanes16(size - i);
            const __m512 g = _mm512_maskz_loadu_ps(k, pg + i), y = _mm512_maskz_loadu_ps(k, py + i);
            // g − e^y·s, rounded as the reference rounds it (no fused multiply-add).
            _mm512_mask_storeu_ps(po + i, k, _mm512_sub_ps(g, _mm512_mul_ps(exp16(y), s)));
        }
    }
}

#else

// Other architectures: never called (CPUBackend keeps its Swift loops there).

void blitz_log_softmax_rows_f32_avx512(const float *x, float *out, ptrdiff_t rows, ptrdiff_t size) {
    for (ptrdiff_t row = 0; row < rows; row++) {
        const float *px = x + row * size;
        float *po = out + row * size;
        float m = -INFINITY, s = 0;
        for (ptrdiff_t i = 0; i < size; i++) m = px[i] > m ? px[i] : m;
        for (ptrdiff_t i = 0; i < size; i++) s += expf(px[i] - m);
        const float logSum = logf(s);
        for (ptrdiff_t i = 0; i < size; i++) po[i] = (px[i] - m) - logSum;
    }
}

void blitz_log_softmax_backward_rows_f32_avx512(const float *grad, const float *output, float *out,
                                                ptrdiff_t rows, ptrdiff_t size) {
    for (ptrdiff_t row = 0; row < rows; row++) {
        float s = 0;
        for (ptrdiff_t i = 0; i < size; i++) s += grad[row * size + i];
        for (ptrdiff_t i = 0; i < size; i++) out[row * size + i] = grad[row * size + i] - expf(output[row * size + i]) * s;
    }
}

#endif
