// The 2×2, stride-2 max pool of CKernels.h (the blitz Net's MaxPool2d(2, 2)), both directions.
//
// Forward, eight windows at a time: two rows of 16 inputs are split into the four candidates of
// each window (even and odd columns of each row), and the candidates are compared in PyTorch's
// scan order with its rule, "a candidate wins if it is greater, or if it is NaN" (so the last NaN
// of a window wins), as vector compares and blends. That rule needs no separate NaN path, and
// ties keep the earlier candidate because the compare is strict.
//
// Backward: the windows do not overlap, so each input receives the gradient of at most one
// window. Each window's gradient is written to the candidate its index names and zero to the
// other three, interleaved back into the two rows: one pass, no zero-fill first. Inputs no
// window covers (an odd last row or column) get zero.
//
// A row's last 1–7 windows run through the same code with masked loads, and their results are
// copied out of a spilled vector (masked stores are microcoded and slow on AMD cores).

#include "CKernels.h"
#include "pool_edges.h"

// The rule, one window at a time (other architectures).
static inline void pool_window(const float *plane, ptrdiff_t width, ptrdiff_t base, float *value, int64_t *index) {
    const ptrdiff_t candidates[4] = {base, base + 1, base + width, base + width + 1};
    float best = plane[candidates[0]];
    ptrdiff_t at = candidates[0];
    for (int k = 1; k < 4; k++) {
        const float v = plane[candidates[k]];
        if (v > best || v != v) {
            best = v;
            at = candidates[k];
        }
    }
    *value = best;
    *index = (int64_t)at;
}

#if defined(__x86_64__)

#include "avx2.h"

// 64-bit lanes 0..<n set (0 ≤ n ≤ 4).
INLINE AVX2 __m256i wide_lanes_below(ptrdiff_t n) {
    const __m256i index = _mm256_setr_epi64x(0, 1, 2, 3);
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), index);
}

// Lanes where candidate v beats best: v > best, or v is NaN (PyTorch's `val > max || isnan(val)`,
// so a later NaN replaces an earlier one).
INLINE AVX2 __m256 beats(__m256 v, __m256 best) {
    return _mm256_or_ps(_mm256_cmp_ps(v, best, _CMP_GT_OQ), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
}

// Even-indexed and odd-indexed elements of 2·count consecutive floats (count ≤ 8), in order.
INLINE AVX2 void split(const float *p, ptrdiff_t count, __m256 *even, __m256 *odd) {
    __m256 a, b;
    if (count == 8) {
        a = _mm256_loadu_ps(p);
        b = _mm256_loadu_ps(p + 8);
    } else {
        a = _mm256_maskload_ps(p, lanes_below(2 * count < 8 ? 2 * count : 8));
        b = _mm256_maskload_ps(p + 8, lanes_below(2 * count > 8 ? 2 * count - 8 : 0));
    }
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0))), 0xD8));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1))), 0xD8));
}

// `count` (1–8) windows of one output row starting at output column xo.
INLINE AVX2 void pool_windows(const float *src, ptrdiff_t width, ptrdiff_t rowBase, ptrdiff_t xo, ptrdiff_t count,
                              float *values, int64_t *indices) {
    const __m256i lane = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    __m256 v0, v1, v2, v3;
    split(src + rowBase + 2 * xo, count, &v0, &v1);
    split(src + rowBase + width + 2 * xo, count, &v2, &v3);
    const __m256i i0 = _mm256_add_epi32(_mm256_set1_epi32((int)(rowBase + 2 * xo)), lane);
    const __m256i i1 = _mm256_add_epi32(i0, _mm256_set1_epi32(1));
    const __m256i i2 = _mm256_add_epi32(i0, _mm256_set1_epi32((int)width));
    const __m256i i3 = _mm256_add_epi32(i2, _mm256_set1_epi32(1));
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
    const __m256i low = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(at));
    const __m256i high = _mm256_cvtepi32_epi64(_mm256_extracti128_si256(at, 1));
    if (count == 8) {
        _mm256_storeu_ps(values, best);
        _mm256_storeu_si256((__m256i *)indices, low);
        _mm256_storeu_si256((__m256i *)(indices + 4), high);
    } else {
        // Masked stores are microcoded and slow on AMD cores; spill and copy instead.
        float v[8];
        int64_t i[8];
        _mm256_storeu_ps(v, best);
        _mm256_storeu_si256((__m256i *)i, low);
        _mm256_storeu_si256((__m256i *)(i + 4), high);
        NO_VECTORIZE
        for (ptrdiff_t k = 0; k < count; k++) {
            values[k] = v[k];
            indices[k] = i[k];
        }
    }
}

AVX2 void blitz_max_pool_2x2_f32(const float *x, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width,
                                 float *values, int64_t *indices) {
    const ptrdiff_t oh = height / 2, ow = width / 2;
    for (ptrdiff_t plane = 0; plane < planes; plane++) {
        const float *src = x + plane * height * width;
        for (ptrdiff_t y = 0; y < oh; y++) {
            const ptrdiff_t out = (plane * oh + y) * ow;
            for (ptrdiff_t xo = 0; xo < ow; xo += 8) {
                const ptrdiff_t count = ow - xo < 8 ? ow - xo : 8;
                pool_windows(src, width, 2 * y * width, xo, count, values + out + xo, indices + out + xo);
            }
        }
    }
}

// The low 32 bits of 8 int64 indices, in order.
INLINE AVX2 __m256i narrow(const int64_t *indices, ptrdiff_t count) {
    __m256i a, b;
    if (count == 8) {
        a = _mm256_loadu_si256((const __m256i *)indices);
        b = _mm256_loadu_si256((const __m256i *)(indices + 4));
    } else {
        a = _mm256_maskload_epi64((const long long *)indices, wide_lanes_below(count < 4 ? count : 4));
        b = _mm256_maskload_epi64((const long long *)(indices + 4), wide_lanes_below(count > 4 ? count - 4 : 0));
    }
    const __m256i gather = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    return _mm256_permute2x128_si256(_mm256_permutevar8x32_epi32(a, gather), _mm256_permutevar8x32_epi32(b, gather), 0x20);
}

// 16 floats alternating from a and b (a0 b0 a1 b1 …) into p, the first 2·count of them.
INLINE AVX2 void interleave_store(float *p, __m256 a, __m256 b, ptrdiff_t count) {
    const __m256 lo = _mm256_unpacklo_ps(a, b), hi = _mm256_unpackhi_ps(a, b);
    const __m256 first = _mm256_permute2f128_ps(lo, hi, 0x20), second = _mm256_permute2f128_ps(lo, hi, 0x31);
    if (count == 8) {
        _mm256_storeu_ps(p, first);
        _mm256_storeu_ps(p + 8, second);
    } else {
        float v[16];
        _mm256_storeu_ps(v, first);
        _mm256_storeu_ps(v + 8, second);
        NO_VECTORIZE
        for (ptrdiff_t k = 0; k < 2 * count; k++) p[k] = v[k];
    }
}

AVX2 void blitz_max_pool_2x2_backward_f32(const float *grad, const int64_t *indices, ptrdiff_t planes,
                                          ptrdiff_t height, ptrdiff_t width, float *dx) {
    const ptrdiff_t oh = height / 2, ow = width / 2;
    const __m256i lane = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    for (ptrdiff_t plane = 0; plane < planes; plane++) {
        float *dst = dx + plane * height * width;
        for (ptrdiff_t y = 0; y < oh; y++) {
            const ptrdiff_t out = (plane * oh + y) * ow, rowBase = 2 * y * width;
            for (ptrdiff_t xo = 0; xo < ow; xo += 8) {
                const ptrdiff_t count = ow - xo < 8 ? ow - xo : 8;
                const __m256 g = count == 8 ? _mm256_loadu_ps(grad + out + xo)
                                            : _mm256_maskload_ps(grad + out + xo, lanes_below(count));
                const __m256i at = narrow(indices + out + xo, count);
                const __m256i i0 = _mm256_add_epi32(_mm256_set1_epi32((int)(rowBase + 2 * xo)), lane);
                const __m256i i1 = _mm256_add_epi32(i0, _mm256_set1_epi32(1));
                const __m256i i2 = _mm256_add_epi32(i0, _mm256_set1_epi32((int)width));
                const __m256i i3 = _mm256_add_epi32(i2, _mm256_set1_epi32(1));
                const __m256 g0 = _mm256_and_ps(g, _mm256_castsi256_ps(_mm256_cmpeq_epi32(at, i0)));
                const __m256 g1 = _mm256_and_ps(g, _mm256_castsi256_ps(_mm256_cmpeq_epi32(at, i1)));
                const __m256 g2 = _mm256_and_ps(g, _mm256_castsi256_ps(_mm256_cmpeq_epi32(at, i2)));
                const __m256 g3 = _mm256_and_ps(g, _mm256_castsi256_ps(_mm256_cmpeq_epi32(at, i3)));
                interleave_store(dst + rowBase + 2 * xo, g0, g1, count);
                interleave_store(dst + rowBase + width + 2 * xo, g2, g3, count);
            }
        }
        clear_uncovered(dst, height, width);
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

void blitz_max_pool_2x2_backward_f32(const float *grad, const int64_t *indices, ptrdiff_t planes,
                                     ptrdiff_t height, ptrdiff_t width, float *dx) {
    const ptrdiff_t oh = height / 2, ow = width / 2;
    for (ptrdiff_t plane = 0; plane < planes; plane++) {
        float *dst = dx + plane * height * width;
        for (ptrdiff_t y = 0; y < oh; y++)
            for (ptrdiff_t xo = 0; xo < ow; xo++) {
                const ptrdiff_t base = 2 * y * width + 2 * xo, j = (plane * oh + y) * ow + xo;
                const ptrdiff_t candidates[4] = {base, base + 1, base + width, base + width + 1};
                for (int k = 0; k < 4; k++) dst[candidates[k]] = indices[j] == candidates[k] ? grad[j] : 0;
            }
        clear_uncovered(dst, height, width);
    }
}

#endif
