// The 2×2, stride-2 max pool of CKernels.h for AVX-512: max_pool.c's AVX2 kernels with 16 windows
// a step instead of 8. The even and odd columns of two rows of 32 inputs are split with one
// two-source permute each; PyTorch's rule (`val > max || isnan(val)`, so ties keep the earlier
// candidate and the last NaN wins) is two compares into a k-mask and a masked blend. A row's
// last 1–15 windows use k-masked loads and stores, which touch no memory in masked-off lanes.

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

// Even-indexed and odd-indexed elements of 2·count consecutive floats (count ≤ 16), in order.
INLINE AVX512 void split16(const float *p, ptrdiff_t count, __m512 *even, __m512 *odd) {
    const ptrdiff_t n = 2 * count;
    const __m512 a = _mm512_maskz_loadu_ps(lanes16(n < 16 ? n : 16), p);
    const __m512 b = _mm512_maskz_loadu_ps(lanes16(n > 16 ? n - 16 : 0), p + 16);
    const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odds = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    *even = _mm512_permutex2var_ps(a, evens, b);
    *odd = _mm512_permutex2var_ps(a, odds, b);
}

// Int64 lanes 0..<n set (0 ≤ n ≤ 8).
INLINE AVX512 __mmask8 lanes8(ptrdiff_t n) { return (__mmask8)((1u << n) - 1u); }

AVX512 void blitz_max_pool_2x2_f32_avx512(const float *x, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width,
                                          float *values, int64_t *indices) {
    const ptrdiff_t oh = height / 2, ow = width / 2;
    const __m512i lane = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    for (ptrdiff_t plane = 0; plane < planes; plane++) {
        const float *src = x + plane * height * width;
        for (ptrdiff_t y = 0; y < oh; y++) {
            const ptrdiff_t out = (plane * oh + y) * ow, rowBase = 2 * y * width;
            for (ptrdiff_t xo = 0; xo < ow; xo += 16) {
                const ptrdiff_t count = ow - xo < 16 ? ow - xo : 16;
                __m512 v0, v1, v2, v3;
                split16(src + rowBase + 2 * xo, count, &v0, &v1);
                split16(src + rowBase + width + 2 * xo, count, &v2, &v3);
                const __m512i i0 = _mm512_add_epi32(_mm512_set1_epi32((int)(rowBase + 2 * xo)), lane);
                const __m512i i1 = _mm512_add_epi32(i0, _mm512_set1_epi32(1));
                const __m512i i2 = _mm512_add_epi32(i0, _mm512_set1_epi32((int)width));
                const __m512i i3 = _mm512_add_epi32(i2, _mm512_set1_epi32(1));
                __m512 best = v0;
                __m512i at = i0;
                __mmask16 m = beats16(v1, best);
                best = _mm512_mask_blend_ps(m, best, v1);
                at = _mm512_mask_blend_epi32(m, at, i1);
                m = beats16(v2, best);
                best = _mm512_mask_blend_ps(m, best, v2);
                at = _mm512_mask_blend_epi32(m, at, i2);
                m = beats16(v3, best);
                best = _mm512_mask_blend_ps(m, best, v3);
                at = _mm512_mask_blend_epi32(m, at, i3);
                _mm512_mask_storeu_ps(values + out + xo, lanes16(count), best);
                const __m512i low = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(at));
                const __m512i high = _mm512_cvtepi32_epi64(_mm512_extracti32x8_epi32(at, 1));
                _mm512_mask_storeu_epi64(indices + out + xo, lanes8(count < 8 ? count : 8), low);
                _mm512_mask_storeu_epi64(indices + out + xo + 8, lanes8(count > 8 ? count - 8 : 0), high);
            }
        }
    }
}

// 32 floats alternating from a and b (a0 b0 a1 b1 …) into p, the first 2·count of them.
INLINE AVX512 void interleave_store16(float *p, __m512 a, __m512 b, ptrdiff_t count) {
    const __m512i first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i second = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const ptrdiff_t n = 2 * count;
    _mm512_mask_storeu_ps(p, lanes16(n < 16 ? n : 16), _mm512_permutex2var_ps(a, first, b));
    _mm512_mask_storeu_ps(p + 16, lanes16(n > 16 ? n - 16 : 0), _mm512_permutex2var_ps(a, second, b));
}

AVX512 void blitz_max_pool_2x2_backward_f32_avx512(const float *grad, const int64_t *indices, ptrdiff_t planes,
                                                   ptrdiff_t height, ptrdiff_t width, float *dx) {
    const ptrdiff_t oh = height / 2, ow = width / 2;
    const __m512i lane = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    for (ptrdiff_t plane = 0; plane < planes; plane++) {
        float *dst = dx + plane * height * width;
        for (ptrdiff_t y = 0; y < oh; y++) {
            const ptrdiff_t out = (plane * oh + y) * ow, rowBase = 2 * y * width;
            for (ptrdiff_t xo = 0; xo < ow; xo += 16) {
                const ptrdiff_t count = ow - xo < 16 ? ow - xo : 16;
                const __m512 g = _mm512_maskz_loadu_ps(lanes16(count), grad + out + xo);
                // The low 32 bits of the 16 int64 indices, in order.
                const __m512i lo = _mm512_maskz_loadu_epi64(lanes8(count < 8 ? count : 8), indices + out + xo);
                const __m512i hi = _mm512_maskz_loadu_epi64(lanes8(count > 8 ? count - 8 : 0), indices + out + xo + 8);
                const __m512i at = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(lo)),
                                                      _mm512_cvtepi64_epi32(hi), 1);
                const __m512i i0 = _mm512_add_epi32(_mm512_set1_epi32((int)(rowBase + 2 * xo)), lane);
                const __m512i i1 = _mm512_add_epi32(i0, _mm512_set1_epi32(1));
                const __m512i i2 = _mm512_add_epi32(i0, _mm512_set1_epi32((int)width));
                const __m512i i3 = _mm512_add_epi32(i2, _mm512_set1_epi32(1));
                const __m512 g0 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, i0), g);
                const __m512 g1 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, i1), g);
                const __m512 g2 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, i2), g);
                const __m512 g3 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, i3), g);
                interleave_store16(dst + rowBase + 2 * xo, g0, g1, count);
                interleave_store16(dst + rowBase + width + 2 * xo, g2, g3, count);
            }
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
