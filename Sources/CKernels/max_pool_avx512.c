// The 2×2, stride-2 max pool of CKernels.h for AVX-512: max_pool.c's AVX2 kernels with 16 windows
// a step instead of 8. The even and odd columns of two rows of 32 inputs are split with one
// two-source permute each; PyTorch's rule (`val > max || isnan(val)`, so ties keep the earlier
// candidate and the last NaN wins) is two compares into a k-mask and a masked blend. A row's
// last 1–15 windows use k-masked loads and stores, which touch no memory in masked-off lanes;
// the masks are made once per call.

#include "CKernels.h"
#include "pool_edges.h"

#if defined(__x86_64__)

#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
#define INLINE static inline __attribute__((always_inline))

INLINE AVX512 __mmask16 lanes16(ptrdiff_t n) { return (__mmask16)((1u << n) - 1u); }

// Lanes where candidate v beats best.
INLINE AVX512 __mmask16 beats16(__m512 v, __m512 best) {
    return _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
}

// The k-masks of one step of `count` windows (1 ≤ count ≤ 16): its 2·count inputs in each of two
// rows (the first and second 16 floats), its outputs, and the low and high 8 of its int64 indices.
// A row's steps but the last are full; the masks of both kinds are made once per call, so no
// step computes any.
typedef struct {
    __mmask16 first, second, out;
    __mmask8 low, high;
} step_masks;

INLINE AVX512 step_masks masks_for(ptrdiff_t count) {
    const ptrdiff_t n = 2 * count;
    step_masks m = {lanes16(n < 16 ? n : 16), lanes16(n > 16 ? n - 16 : 0), lanes16(count),
                    (__mmask8)((1u << (count < 8 ? count : 8)) - 1u), (__mmask8)((1u << (count > 8 ? count - 8 : 0)) - 1u)};
    return m;
}

// Even-indexed and odd-indexed elements of the floats at p that the masks select, in order.
INLINE AVX512 void split16(const float *p, const step_masks m, __m512 *even, __m512 *odd) {
    const __m512 a = _mm512_maskz_loadu_ps(m.first, p);
    const __m512 b = _mm512_maskz_loadu_ps(m.second, p + 16);
    const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odds = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    *even = _mm512_permutex2var_ps(a, evens, b);
    *odd = _mm512_permutex2var_ps(a, odds, b);
}

// One step: the windows of output row `out` from column xo, over input rows at `src` and `src + width`.
INLINE AVX512 void pool_step(const float *src, ptrdiff_t width, ptrdiff_t rowBase, ptrdiff_t xo, const step_masks m,
                             float *values, int64_t *indices) {
    const __m512i lane = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    __m512 v0, v1, v2, v3;
    split16(src + 2 * xo, m, &v0, &v1);
    split16(src + width + 2 * xo, m, &v2, &v3);
    const __m512i i0 = _mm512_add_epi32(_mm512_set1_epi32((int)(rowBase + 2 * xo)), lane);
    const __m512i i1 = _mm512_add_epi32(i0, _mm512_set1_epi32(1));
    const __m512i i2 = _mm512_add_epi32(i0, _mm512_set1_epi32((int)width));
    const __m512i i3 = _mm512_add_epi32(i2, _mm512_set1_epi32(1));
    __m512 best = v0;
    __m512i at = i0;
    __mmask16 k = beats16(v1, best);
    best = _mm512_mask_blend_ps(k, best, v1);
    at = _mm512_mask_blend_epi32(k, at, i1);
    k = beats16(v2, best);
    best = _mm512_mask_blend_ps(k, best, v2);
    at = _mm512_mask_blend_epi32(k, at, i2);
    k = beats16(v3, best);
    best = _mm512_mask_blend_ps(k, best, v3);
    at = _mm512_mask_blend_epi32(k, at, i3);
    _mm512_mask_storeu_ps(values + xo, m.out, best);
    _mm512_mask_storeu_epi64(indices + xo, m.low, _mm512_cvtepi32_epi64(_mm512_castsi512_si256(at)));
    _mm512_mask_storeu_epi64(indices + xo + 8, m.high, _mm512_cvtepi32_epi64(_mm512_extracti32x8_epi32(at, 1)));
}

AVX512 void blitz_max_pool_2x2_f32_avx512(const float *x, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width,
                                          float *values, int64_t *indices) {
    const ptrdiff_t oh = height / 2, ow = width / 2, full = ow & ~(ptrdiff_t)15;
    const step_masks all = masks_for(16), tail = masks_for(ow - full > 0 ? ow - full : 1);
    for (ptrdiff_t plane = 0; plane < planes; plane++) {
        const float *src = x + plane * height * width;
        for (ptrdiff_t y = 0; y < oh; y++) {
            const ptrdiff_t out = (plane * oh + y) * ow, rowBase = 2 * y * width;
            for (ptrdiff_t xo = 0; xo < full; xo += 16)
                pool_step(src + rowBase, width, rowBase, xo, all, values + out, indices + out);
            if (full < ow) pool_step(src + rowBase, width, rowBase, full, tail, values + out, indices + out);
        }
    }
}

// 32 floats alternating from a and b (a0 b0 a1 b1 …) into p, the lanes the masks select.
INLINE AVX512 void interleave_store16(float *p, __m512 a, __m512 b, const step_masks m) {
    const __m512i first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i second = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    _mm512_mask_storeu_ps(p, m.first, _mm512_permutex2var_ps(a, first, b));
    _mm512_mask_storeu_ps(p + 16, m.second, _mm512_permutex2var_ps(a, second, b));
}

// One step of the backward: the gradients of output row `out` from column xo into two rows of dst.
INLINE AVX512 void pool_backward_step(const float *grad, const int64_t *indices, float *dst, ptrdiff_t width,
                                      ptrdiff_t rowBase, ptrdiff_t xo, const step_masks m) {
    const __m512i lane = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512 g = _mm512_maskz_loadu_ps(m.out, grad + xo);
    // The low 32 bits of the 16 int64 indices, in order.
    const __m512i lo = _mm512_maskz_loadu_epi64(m.low, indices + xo);
    const __m512i hi = _mm512_maskz_loadu_epi64(m.high, indices + xo + 8);
    const __m512i at = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(lo)), _mm512_cvtepi64_epi32(hi), 1);
    const __m512i i0 = _mm512_add_epi32(_mm512_set1_epi32((int)(rowBase + 2 * xo)), lane);
    const __m512i i1 = _mm512_add_epi32(i0, _mm512_set1_epi32(1));
    const __m512i i2 = _mm512_add_epi32(i0, _mm512_set1_epi32((int)width));
    const __m512i i3 = _mm512_add_epi32(i2, _mm512_set1_epi32(1));
    const __m512 g0 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, i0), g);
    const __m512 g1 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, i1), g);
    const __m512 g2 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, i2), g);
    const __m512 g3 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, i3), g);
    interleave_store16(dst + rowBase + 2 * xo, g0, g1, m);
    interleave_store16(dst + rowBase + width + 2 * xo, g2, g3, m);
}

AVX512 void blitz_max_pool_2x2_backward_f32_avx512(const float *grad, const int64_t *indices, ptrdiff_t planes,
                                                   ptrdiff_t height, ptrdiff_t width, float *dx) {
    const ptrdiff_t oh = height / 2, ow = width / 2, full = ow & ~(ptrdiff_t)15;
    const step_masks all = masks_for(16), tail = masks_for(ow - full > 0 ? ow - full : 1);
    for (ptrdiff_t plane = 0; plane < planes; plane++) {
        float *dst = dx + plane * height * width;
        for (ptrdiff_t y = 0; y < oh; y++) {
            const ptrdiff_t out = (plane * oh + y) * ow, rowBase = 2 * y * width;
            for (ptrdiff_t xo = 0; xo < full; xo += 16)
                pool_backward_step(grad + out, indices + out, dst, width, rowBase, xo, all);
            if (full < ow) pool_backward_step(grad + out, indices + out, dst, width, rowBase, full, tail);
        }
        clear_uncovered(dst, height, width);
    }
}

#else

// Other architectures: never called; the portable definitions in max_pool.c compute the same.

void blitz_max_pool_2x2_f32_avx512(const float *x, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width,
                                   float *values, int64_t *indices) {
    blitz_max_pool_2x2_f32(x, planes, height, width, values, indices);
}

void blitz_max_pool_2x2_backward_f32_avx512(const float *grad, const int64_t *indices, ptrdiff_t planes,
                                            ptrdiff_t height, ptrdiff_t width, float *dx) {
    blitz_max_pool_2x2_backward_f32(grad, indices, planes, height, width, dx);
}

#endif
