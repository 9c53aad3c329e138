// The 2×2, stride-2 max pool of CKernels.h (the blitz Net's MaxPool2d(2, 2)).
//
// Eight outputs at a time: two rows of 16 inputs are split into the four candidates of each
// window (even and odd columns of each row), and the candidates are compared in PyTorch's scan
// order with its rule, "a candidate wins if it is greater, or if it is NaN and the best so far
// is not", as vector compares and blends. That rule needs no separate NaN path, and ties keep
// the earlier candidate because the compare is strict.

#include "CKernels.h"

// The rule, one window at a time: the edge of a row and other architectures.
static inline void pool_window(const float *row, ptrdiff_t width, ptrdiff_t base, float *value, int64_t *index) {
    const ptrdiff_t candidates[4] = {base, base + 1, base + width, base + width + 1};
    float best = row[candidates[0]];
    ptrdiff_t at = candidates[0];
    for (int k = 1; k < 4; k++) {
        const float v = row[candidates[k]];
        if (v > best || (v != v && best == best)) {
            best = v;
            at = candidates[k];
        }
    }
    *value = best;
    *index = (int64_t)at;
}

#if defined(__x86_64__)

#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

// Lanes where candidate v beats best: v > best, or v is NaN and best is not.
static inline __attribute__((always_inline)) AVX2 __m256 beats(__m256 v, __m256 best) {
    const __m256 greater = _mm256_cmp_ps(v, best, _CMP_GT_OQ);
    const __m256 nan = _mm256_andnot_ps(_mm256_cmp_ps(best, best, _CMP_UNORD_Q), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    return _mm256_or_ps(greater, nan);
}

// Even-indexed and odd-indexed elements of 16 consecutive floats, in order.
static inline __attribute__((always_inline)) AVX2 void split(const float *p, __m256 *even, __m256 *odd) {
    const __m256 a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 8);
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0))), 0xD8));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1))), 0xD8));
}

AVX2 void blitz_max_pool_2x2_f32(const float *x, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width,
                                 float *values, int64_t *indices) {
    const ptrdiff_t oh = height / 2, ow = width / 2;
    const __m256i lane = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    const __m256i one = _mm256_set1_epi32(1), down = _mm256_set1_epi32((int)width);
    for (ptrdiff_t plane = 0; plane < planes; plane++) {
        const float *src = x + plane * height * width;
        float *outValues = values + plane * oh * ow;
        int64_t *outIndices = indices + plane * oh * ow;
        for (ptrdiff_t y = 0; y < oh; y++) {
            const ptrdiff_t rowBase = 2 * y * width;
            ptrdiff_t xo = 0;
            for (; xo + 8 <= ow; xo += 8) {
                __m256 v0, v1, v2, v3;
                split(src + rowBase + 2 * xo, &v0, &v1);
                split(src + rowBase + width + 2 * xo, &v2, &v3);
                const __m256i i0 = _mm256_add_epi32(_mm256_set1_epi32((int)(rowBase + 2 * xo)), lane);
                const __m256i i1 = _mm256_add_epi32(i0, one), i2 = _mm256_add_epi32(i0, down), i3 = _mm256_add_epi32(i2, one);
                __m256 best = v0;
                __m256i at = i0;
                __m256 m = beats(v1, best);
                best = _mm256_blendv_ps(best, v1, m);
                at = _mm256_blendv_epi8(at, i1, _mm256_castps_si256(m));
                m = beats(v2, best);
                best = _mm256_blendv_ps(best, v2, m);
                at = _mm256_blendv_epi8(at, i2, _mm256_castps_si256(m));
                m = beats(v3, best);
                best = _mm256_blendv_ps(best, v3, m);
                at = _mm256_blendv_epi8(at, i3, _mm256_castps_si256(m));
                _mm256_storeu_ps(outValues + y * ow + xo, best);
                _mm256_storeu_si256((__m256i *)(outIndices + y * ow + xo), _mm256_cvtepi32_epi64(_mm256_castsi256_si128(at)));
                _mm256_storeu_si256((__m256i *)(outIndices + y * ow + xo + 4), _mm256_cvtepi32_epi64(_mm256_extracti128_si256(at, 1)));
            }
            for (; xo < ow; xo++)
                pool_window(src, width, rowBase + 2 * xo, outValues + y * ow + xo, outIndices + y * ow + xo);
        }
    }
}

#else

void blitz_max_pool_2x2_f32(const float *x, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width,
                            float *values, int64_t *indices) {
    const ptrdiff_t oh = height / 2, ow = width / 2;
    for (ptrdiff_t plane = 0; plane < planes; plane++)
        for (ptrdiff_t y = 0; y < oh; y++)
            for (ptrdiff_t xo = 0; xo < ow; xo++)
                pool_window(x + plane * height * width, width, 2 * y * width + 2 * xo,
                            values + (plane * oh + y) * ow + xo, indices + (plane * oh + y) * ow + xo);
}

#endif
