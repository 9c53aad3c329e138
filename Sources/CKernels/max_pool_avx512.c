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

// MARK: narrow planes
//
// A row of at most 8 windows (the blitz Net's second pool: 5) fills a third of a step or less,
// and its k-masked loads and stores cost what a full step costs. Planes at most 16 wide instead
// take R ≥ 2 consecutive output rows a step (R·ow ≤ 16 windows): their 2R input rows, at most 64
// floats, lie one after another in the plane, so the step loads them as four registers and picks
// each window's four candidates out with two-source permutes, one per half of the region. The
// candidates, the rule and the indices are the row kernel's; only where they are read from
// differs. The backward scatters the other way: every region element finds its window's
// gradient and index with a one-source permute and keeps the gradient where the index is its own.

// Lanes 0..<n set, for any n (none below 0, all from 16).
INLINE AVX512 __mmask16 clamp16(ptrdiff_t n) { return n <= 0 ? 0 : n >= 16 ? (__mmask16)0xFFFF : lanes16(n); }

typedef struct {
    ptrdiff_t rows;        // R: output rows a step
    __m512i corner[4];     // lane k: region offsets of window k's top-left, top-right, bottom-left, bottom-right
    __mmask16 upper[4];    // lanes whose candidate lies in the region's second 32 floats
    __m512i window[4];     // lane j of register m: the window of region element 16m + j (0 where none)
    __mmask16 covered[4];  // lanes of register m whose element some window of the step covers
} narrow_plan;

// R for a plane `width` wide (ow = width / 2 windows a row), or 1 when the row kernel should run.
INLINE ptrdiff_t narrow_rows(ptrdiff_t width) {
    const ptrdiff_t ow = width / 2;
    if (ow < 1 || ow > 8 || width > 16) return 1;
    const ptrdiff_t byWindows = 16 / ow, byRegion = 32 / width;
    return byWindows < byRegion ? byWindows : byRegion;
}

INLINE AVX512 narrow_plan narrow_plan_for(ptrdiff_t width) {
    const ptrdiff_t ow = width / 2;
    narrow_plan p;
    p.rows = narrow_rows(width);
    int32_t corner[4][16], window[4][16];
    for (int k = 0; k < 16; k++) {
        // Lanes past the last window repeat window 0 (their results are never stored).
        const ptrdiff_t r = k < p.rows * ow ? k / ow : 0, x = k < p.rows * ow ? k % ow : 0;
        const int32_t e = (int32_t)(2 * r * width + 2 * x);
        corner[0][k] = e;
        corner[1][k] = e + 1;
        corner[2][k] = e + (int32_t)width;
        corner[3][k] = e + (int32_t)width + 1;
    }
    for (int m = 0; m < 4; m++) {
        __mmask16 covered = 0;
        for (int j = 0; j < 16; j++) {
            const ptrdiff_t e = 16 * m + j, r = e / (2 * width), x = (e % width) / 2;
            const bool in = r < p.rows && x < ow;
            window[m][j] = in ? (int32_t)(r * ow + x) : 0;
            if (in) covered |= (__mmask16)(1u << j);
        }
        p.covered[m] = covered;
    }
    for (int c = 0; c < 4; c++) {
        p.corner[c] = _mm512_loadu_si512(corner[c]);
        p.upper[c] = _mm512_cmpge_epi32_mask(p.corner[c], _mm512_set1_epi32(32));
        p.window[c] = _mm512_loadu_si512(window[c]);
    }
    return p;
}

// The floats of a 64-float region (four registers) at the offsets in idx (0 ≤ idx < 64).
INLINE AVX512 __m512 pick64(const __m512 *region, __m512i idx, __mmask16 upper) {
    const __m512 low = _mm512_permutex2var_ps(region[0], idx, region[1]);
    const __m512 high = _mm512_permutex2var_ps(region[2], idx, region[3]);
    return _mm512_mask_blend_ps(upper, low, high);
}

AVX512 static void max_pool_narrow(const float *x, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width,
                                   float *values, int64_t *indices) {
    const ptrdiff_t oh = height / 2, ow = width / 2;
    const narrow_plan p = narrow_plan_for(width);
    for (ptrdiff_t plane = 0; plane < planes; plane++) {
        const float *src = x + plane * height * width;
        for (ptrdiff_t y0 = 0; y0 < oh; y0 += p.rows) {
            const ptrdiff_t rows = oh - y0 < p.rows ? oh - y0 : p.rows;
            const ptrdiff_t base = 2 * y0 * width, length = 2 * rows * width, count = rows * ow;
            const ptrdiff_t out = (plane * oh + y0) * ow;
            __m512 region[4];
            for (int m = 0; m < 4; m++)
                region[m] = _mm512_maskz_loadu_ps(clamp16(length - 16 * m), src + base + 16 * m);
            const __m512i at0 = _mm512_set1_epi32((int)base);
            __m512 best = pick64(region, p.corner[0], p.upper[0]);
            __m512i at = _mm512_add_epi32(at0, p.corner[0]);
            for (int c = 1; c < 4; c++) {
                const __m512 v = pick64(region, p.corner[c], p.upper[c]);
                const __mmask16 k = beats16(v, best);
                best = _mm512_mask_blend_ps(k, best, v);
                at = _mm512_mask_blend_epi32(k, at, _mm512_add_epi32(at0, p.corner[c]));
            }
            const __mmask16 keep = clamp16(count);
            _mm512_mask_storeu_ps(values + out, keep, best);
            _mm512_mask_storeu_epi64(indices + out, (__mmask8)keep, _mm512_cvtepi32_epi64(_mm512_castsi512_si256(at)));
            _mm512_mask_storeu_epi64(indices + out + 8, (__mmask8)(keep >> 8),
                                     _mm512_cvtepi32_epi64(_mm512_extracti32x8_epi32(at, 1)));
        }
    }
}

AVX512 static void max_pool_narrow_backward(const float *grad, const int64_t *indices, ptrdiff_t planes,
                                            ptrdiff_t height, ptrdiff_t width, float *dx) {
    const ptrdiff_t oh = height / 2, ow = width / 2;
    const narrow_plan p = narrow_plan_for(width);
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (ptrdiff_t plane = 0; plane < planes; plane++) {
        float *dst = dx + plane * height * width;
        for (ptrdiff_t y0 = 0; y0 < oh; y0 += p.rows) {
            const ptrdiff_t rows = oh - y0 < p.rows ? oh - y0 : p.rows;
            const ptrdiff_t base = 2 * y0 * width, length = 2 * rows * width, count = rows * ow;
            const ptrdiff_t out = (plane * oh + y0) * ow;
            const __mmask16 keep = clamp16(count);
            const __m512 g = _mm512_maskz_loadu_ps(keep, grad + out);
            const __m512i lo = _mm512_maskz_loadu_epi64((__mmask8)keep, indices + out);
            const __m512i hi = _mm512_maskz_loadu_epi64((__mmask8)(keep >> 8), indices + out + 8);
            const __m512i at =
                _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(lo)), _mm512_cvtepi64_epi32(hi), 1);
            for (int m = 0; m < 4 && 16 * m < length; m++) {
                const __m512i here = _mm512_add_epi32(_mm512_set1_epi32((int)(base + 16 * m)), iota);
                const __m512i owner = _mm512_permutexvar_epi32(p.window[m], at);
                const __mmask16 mine = _mm512_mask_cmpeq_epi32_mask(p.covered[m], owner, here);
                _mm512_mask_storeu_ps(dst + base + 16 * m, clamp16(length - 16 * m),
                                      _mm512_maskz_mov_ps(mine, _mm512_permutexvar_ps(p.window[m], g)));
            }
        }
        clear_uncovered(dst, height, width);
    }
}

AVX512 void blitz_max_pool_2x2_f32_avx512(const float *x, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width,
                                          float *values, int64_t *indices) {
    if (narrow_rows(width) > 1) {
        max_pool_narrow(x, planes, height, width, values, indices);
        return;
    }
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
    if (narrow_rows(width) > 1) {
        max_pool_narrow_backward(grad, indices, planes, height, width, dx);
        return;
    }
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
