// The convolution with output channels in the lanes (AVX-512): CKernels.h's "lanes" kernels.
//
// The flat correlations (correlate_avx512.c) put 16 output positions in a register. For a small
// plane that wastes much of each register: the blitz Net's conv2 computes 136 flat positions
// for 100 outputs (the wrapped columns), rounded up to 144 lanes. With the outputs' channels in
// the lanes instead, a register holds 16 channels of one position, every position computed is
// a real one, and when the channel count is a multiple of 16 every lane does useful work.
// Each input element is then a broadcast, which AVX-512 folds into the FMA's memory operand
// ({1to16}), so a block costs one load per FMA; the cores this runs on load two or three
// vectors a cycle, and two FMAs a cycle keep up with them.
//
// Register blocking: the forward block is up to 2 output rows × 12 positions (24
// accumulators; per patch offset 1 weight load and 24 broadcast FMAs). The weight-gradient block is
// up to 5 kernel rows × 5 kernel columns (25 accumulators; per output position 1 load of dY and
// 25 broadcast FMAs), summed over positions and samples in registers. The input gradient's
// block is described at its kernel.

#include "CKernels.h"
#include "CKernelsLanes.h"

#if defined(__x86_64__)

#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define INLINE static inline __attribute__((always_inline))

INLINE AVX512 __mmask16 lanes16(ptrdiff_t n) { return (__mmask16)((1u << n) - 1u); }

// MARK: forward

// R rows × PB positions starting at output (y, x0), for the 16 channels of one output vector.
INLINE AVX512 void lanes_block(const float *in, ptrdiff_t pitch, const ptrdiff_t *offsets, ptrdiff_t patch,
                               const float *w, ptrdiff_t wStride, __m512 start, float *out, ptrdiff_t outRow,
                               ptrdiff_t outStride, const int R, const int PB) {
    __m512 acc[2][12];
    for (int i = 0; i < R; i++)
        for (int j = 0; j < PB; j++) acc[i][j] = start;
    for (ptrdiff_t r = 0; r < patch; r++) {
        const float *src = in + offsets[r];
        const __m512 wv = _mm512_loadu_ps(w + r * wStride);
        for (int i = 0; i < R; i++)
            for (int j = 0; j < PB; j++)
                acc[i][j] = _mm512_fmadd_ps(_mm512_set1_ps(src[i * pitch + j]), wv, acc[i][j]);
    }
    for (int i = 0; i < R; i++)
        for (int j = 0; j < PB; j++) _mm512_storeu_ps(out + i * outRow + j * outStride, acc[i][j]);
}

#define LANES_CASE(R, PB)                                                                          \
    case (R) * 16 + (PB):                                                                          \
        lanes_block(src, pitch, offsets, patch, w, wStride, start, dst, outRow, outStride, R, PB); \
        break;

#define LANES_CASES(R)                                                                             \
    LANES_CASE(R, 1) LANES_CASE(R, 2) LANES_CASE(R, 3) LANES_CASE(R, 4) LANES_CASE(R, 5)           \
    LANES_CASE(R, 6) LANES_CASE(R, 7) LANES_CASE(R, 8) LANES_CASE(R, 9) LANES_CASE(R, 10)          \
    LANES_CASE(R, 11) LANES_CASE(R, 12)

AVX512 void blitz_correlate_lanes_f32_avx512(const float *in, ptrdiff_t pitch, const ptrdiff_t *offsets,
                                             ptrdiff_t patch, const float *weights, ptrdiff_t outVectors,
                                             const float *bias, ptrdiff_t height, ptrdiff_t width, float *out) {
    const ptrdiff_t wStride = 16 * outVectors, outStride = 16 * outVectors, outRow = width * outStride;
    // Columns in near-equal pieces of at most 12.
    const ptrdiff_t pieces = (width + 11) / 12;
    for (ptrdiff_t v = 0; v < outVectors; v++) {
        const float *w = weights + 16 * v;
        const __m512 start = bias ? _mm512_loadu_ps(bias + 16 * v) : _mm512_setzero_ps();
        for (ptrdiff_t y = 0; y < height; y += 2) {
            const int R = height - y >= 2 ? 2 : 1;
            for (ptrdiff_t k = 0; k < pieces; k++) {
                const ptrdiff_t x0 = width * k / pieces, x1 = width * (k + 1) / pieces;
                const float *src = in + y * pitch + x0;
                float *dst = out + y * outRow + x0 * outStride + 16 * v;
                switch (R * 16 + (int)(x1 - x0)) {
                    LANES_CASES(1) LANES_CASES(2)
                }
            }
        }
    }
}

// MARK: weight gradient

// RR kernel rows × CB kernel columns (from column kj0) for one output vector, summed over every
// sample and position, then added to dw.
INLINE AVX512 void lanes_weight_grad_block(const float *g, ptrdiff_t gSample, ptrdiff_t gPitch, ptrdiff_t gStride,
                                           const float *in, ptrdiff_t inSample, ptrdiff_t pitch,
                                           const ptrdiff_t *rowOffsets, ptrdiff_t height, ptrdiff_t width,
                                           ptrdiff_t samples, float *dw, ptrdiff_t dwRow, const int RR, const int CB) {
    __m512 acc[5][8];
    for (int i = 0; i < RR; i++)
        for (int j = 0; j < CB; j++) acc[i][j] = _mm512_setzero_ps();
    ptrdiff_t rows[5];
    for (int i = 0; i < RR; i++) rows[i] = rowOffsets[i];
    for (ptrdiff_t s = 0; s < samples; s++) {
        const float *gs = g + s * gSample;
        for (ptrdiff_t y = 0; y < height; y++) {
            const float *base = in + s * inSample + y * pitch;
            const float *gy = gs + y * gPitch * gStride;
            for (ptrdiff_t x = 0; x < width; x++) {
                const __m512 gv = _mm512_loadu_ps(gy + x * gStride);
                for (int i = 0; i < RR; i++) {
                    const float *src = base + rows[i] + x;
                    for (int j = 0; j < CB; j++)
                        acc[i][j] = _mm512_fmadd_ps(_mm512_set1_ps(src[j]), gv, acc[i][j]);
                }
            }
        }
    }
    for (int i = 0; i < RR; i++)
        for (int j = 0; j < CB; j++) {
            float *d = dw + (i * dwRow + j) * gStride;
            _mm512_storeu_ps(d, _mm512_add_ps(_mm512_loadu_ps(d), acc[i][j]));
        }
}

#define LANES_GRAD_CASE(RR, CB)                                                                    \
    case (RR) * 16 + (CB):                                                                         \
        lanes_weight_grad_block(gv, gSample, gPitch, gStride, in + kj, inSample, pitch, rowOffsets + row, \
                                height, width, samples, dw + (row * kw + kj) * gStride + 16 * v,   \
                                kw, RR, CB);                                                       \
        break;

#define LANES_GRAD_CASES(RR)                                                                       \
    LANES_GRAD_CASE(RR, 1) LANES_GRAD_CASE(RR, 2) LANES_GRAD_CASE(RR, 3) LANES_GRAD_CASE(RR, 4)    \
    LANES_GRAD_CASE(RR, 5)

AVX512 void blitz_correlate_lanes_weight_grad_f32_avx512(const float *g, ptrdiff_t gSample, ptrdiff_t gPitch,
                                                         ptrdiff_t outVectors,
                                                         const float *in, ptrdiff_t inSample, ptrdiff_t pitch,
                                                         const ptrdiff_t *rowOffsets, ptrdiff_t rows, ptrdiff_t kw,
                                                         ptrdiff_t height, ptrdiff_t width, ptrdiff_t samples,
                                                         float *dw) {
    const ptrdiff_t gStride = 16 * outVectors;
    for (ptrdiff_t v = 0; v < outVectors; v++) {
        const float *gv = g + 16 * v;
        for (ptrdiff_t row = 0; row < rows; row += 5) {
            const int rr = rows - row < 5 ? (int)(rows - row) : 5;
            for (ptrdiff_t kj = 0; kj < kw; kj += 5) {
                const int cb = kw - kj < 5 ? (int)(kw - kj) : 5;
                switch (rr * 16 + cb) {
                    LANES_GRAD_CASES(1) LANES_GRAD_CASES(2) LANES_GRAD_CASES(3) LANES_GRAD_CASES(4)
                    LANES_GRAD_CASES(5)
                }
            }
        }
    }
}

// MARK: input gradient

// Lane k of the result: the sum of the 16 lanes of a[k].
INLINE AVX512 __m512 reduce16(const __m512 a[16]) {
    __m512 t[8], u[4], x[2];
    for (int i = 0; i < 8; i++)
        t[i] = _mm512_add_ps(_mm512_unpacklo_ps(a[2 * i], a[2 * i + 1]), _mm512_unpackhi_ps(a[2 * i], a[2 * i + 1]));
    // t[i]'s 128-bit lane L: (a[2i], a[2i+1], a[2i], a[2i+1]) partial sums of lane L.
    for (int i = 0; i < 4; i++) {
        const __m512d p = _mm512_castps_pd(t[2 * i]), q = _mm512_castps_pd(t[2 * i + 1]);
        u[i] = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(p, q)), _mm512_castpd_ps(_mm512_unpackhi_pd(p, q)));
    }
    // u[i]'s 128-bit lane L: the sums of lane L of a[4i..<4i+4].
    for (int i = 0; i < 2; i++)
        x[i] = _mm512_add_ps(_mm512_shuffle_f32x4(u[2 * i], u[2 * i + 1], 0x88),
                             _mm512_shuffle_f32x4(u[2 * i], u[2 * i + 1], 0xDD));
    return _mm512_add_ps(_mm512_shuffle_f32x4(x[0], x[1], 0x88), _mm512_shuffle_f32x4(x[0], x[1], 0xDD));
}

// The input gradient sums over output channels, which are in the lanes: a block of 6 input
// channels × 4 positions of a dX row keeps 24 vectors of per-lane sums (per kernel offset 4 loads
// of dY, 6 of weights, 24 FMAs), then adds up each vector's lanes (reduce16, two of them).
// Only the kernel rows that reach the dX row and the kernel columns that reach the block are
// visited, so little of the work multiplies the zero columns around dY.
AVX512 void blitz_correlate_lanes_input_grad_f32_avx512(const float *g, ptrdiff_t gPitch, ptrdiff_t outVectors,
                                                        const float *w, ptrdiff_t channels, ptrdiff_t kh, ptrdiff_t kw,
                                                        ptrdiff_t oh, float *dx, ptrdiff_t height, ptrdiff_t width) {
    const ptrdiff_t L = 16 * outVectors, ow = width - kw + 1;
    for (ptrdiff_t y = 0; y < height; y++) {
        const ptrdiff_t kiFirst = y - oh + 1 > 0 ? y - oh + 1 : 0, kiEnd = y + 1 < kh ? y + 1 : kh;
        for (ptrdiff_t x0 = 0; x0 < width; x0 += 4) {
            const ptrdiff_t n = width - x0 < 4 ? width - x0 : 4;
            const ptrdiff_t kjFirst = x0 - ow + 1 > 0 ? x0 - ow + 1 : 0, kjEnd = x0 + n < kw ? x0 + n : kw;
            for (ptrdiff_t c0 = 0; c0 < channels; c0 += 6) {
                // Past the last channel the block repeats it (and stores the same values again).
                ptrdiff_t cs[6];
                for (int i = 0; i < 6; i++) cs[i] = c0 + i < channels ? c0 + i : channels - 1;
                __m512 acc[32];
                for (int k = 0; k < 32; k++) acc[k] = _mm512_setzero_ps();
                for (ptrdiff_t ki = kiFirst; ki < kiEnd; ki++) {
                    const float *row = g + ((y - ki) * gPitch + x0 + kw - 1) * L;
                    const float *wr[6];
                    for (int i = 0; i < 6; i++) wr[i] = w + (cs[i] * kh + ki) * kw * L;
                    for (ptrdiff_t kj = kjFirst; kj < kjEnd; kj++) {
                        const float *gp = row - kj * L;
                        for (ptrdiff_t v = 0; v < L; v += 16) {
                            __m512 gv[4];
                            for (int j = 0; j < 4; j++) gv[j] = _mm512_loadu_ps(gp + j * L + v);
                            for (int i = 0; i < 6; i++) {
                                const __m512 wv = _mm512_loadu_ps(wr[i] + kj * L + v);
                                for (int j = 0; j < 4; j++) acc[4 * i + j] = _mm512_fmadd_ps(wv, gv[j], acc[4 * i + j]);
                            }
                        }
                    }
                }
                // Lane 4i + j of sums (channels 0..<4) and of more (4, 5): channel i, position j.
                const __m512 sums = reduce16(acc), more = reduce16(acc + 16);
                const __mmask8 m = (__mmask8)lanes16(n);
                _mm_mask_storeu_ps(dx + (cs[0] * height + y) * width + x0, m, _mm512_extractf32x4_ps(sums, 0));
                _mm_mask_storeu_ps(dx + (cs[1] * height + y) * width + x0, m, _mm512_extractf32x4_ps(sums, 1));
                _mm_mask_storeu_ps(dx + (cs[2] * height + y) * width + x0, m, _mm512_extractf32x4_ps(sums, 2));
                _mm_mask_storeu_ps(dx + (cs[3] * height + y) * width + x0, m, _mm512_extractf32x4_ps(sums, 3));
                _mm_mask_storeu_ps(dx + (cs[4] * height + y) * width + x0, m, _mm512_extractf32x4_ps(more, 0));
                _mm_mask_storeu_ps(dx + (cs[5] * height + y) * width + x0, m, _mm512_extractf32x4_ps(more, 1));
            }
        }
    }
}

// MARK: transpose

// dst[j·dstPitch + i] = src[i·srcPitch + j] for i < rows, j < cols, in 16 × 16 tiles.
INLINE AVX512 void transpose_tile16(const float *src, ptrdiff_t srcPitch, ptrdiff_t rows, ptrdiff_t cols,
                                    float *dst, ptrdiff_t dstPitch) {
    __m512 r[16], t[16];
    const __mmask16 colMask = lanes16(cols), rowMask = lanes16(rows);
    for (int i = 0; i < 16; i++)
        r[i] = i < rows ? _mm512_maskz_loadu_ps(colMask, src + i * srcPitch) : _mm512_setzero_ps();
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
        r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    }
    // r[4b + k] now holds, in its 128-bit lane L, column 4L + k of rows 4b..4b+3.
    for (int b = 0; b < 2; b++)
        for (int k = 0; k < 4; k++) {
            t[8 * b + k] = _mm512_shuffle_f32x4(r[8 * b + k], r[8 * b + 4 + k], 0x88);
            t[8 * b + 4 + k] = _mm512_shuffle_f32x4(r[8 * b + k], r[8 * b + 4 + k], 0xDD);
        }
    for (int k = 0; k < 8; k++) {
        r[k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0x88);
        r[8 + k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0xDD);
    }
    // r[m] is now column m of the tile.
    for (int m = 0; m < cols; m++) _mm512_mask_storeu_ps(dst + m * dstPitch, rowMask, r[m]);
}

AVX512 void blitz_transpose_f32_avx512(const float *src, ptrdiff_t srcPitch, ptrdiff_t rows, ptrdiff_t cols,
                                       float *dst, ptrdiff_t dstPitch) {
    for (ptrdiff_t i = 0; i < rows; i += 16)
        for (ptrdiff_t j = 0; j < cols; j += 16)
            transpose_tile16(src + i * srcPitch + j, srcPitch, rows - i < 16 ? rows - i : 16,
                             cols - j < 16 ? cols - j : 16, dst + j * dstPitch + i, dstPitch);
}

#else

// Other architectures: never called (blitz_cpu_vector_level() never says AVX-512 there), but
// defined so that every declaration links; plain loops with the same contracts.

void blitz_correlate_lanes_f32_avx512(const float *in, ptrdiff_t pitch, const ptrdiff_t *offsets,
                                      ptrdiff_t patch, const float *w, ptrdiff_t outVectors,
                                      const float *bias, ptrdiff_t height, ptrdiff_t width, float *out) {
    const ptrdiff_t lanes = 16 * outVectors;
    for (ptrdiff_t y = 0; y < height; y++)
        for (ptrdiff_t x = 0; x < width; x++)
            for (ptrdiff_t o = 0; o < lanes; o++) {
                float sum = bias ? bias[o] : 0.0f;
                for (ptrdiff_t r = 0; r < patch; r++) sum += w[r * lanes + o] * in[offsets[r] + y * pitch + x];
                out[(y * width + x) * lanes + o] = sum;
            }
}

void blitz_correlate_lanes_weight_grad_f32_avx512(const float *g, ptrdiff_t gSample, ptrdiff_t gPitch,
                                                  ptrdiff_t outVectors, const float *in, ptrdiff_t inSample, ptrdiff_t pitch,
                                                  const ptrdiff_t *rowOffsets, ptrdiff_t rows, ptrdiff_t kw,
                                                  ptrdiff_t height, ptrdiff_t width, ptrdiff_t samples, float *dw) {
    const ptrdiff_t lanes = 16 * outVectors;
    for (ptrdiff_t row = 0; row < rows; row++)
        for (ptrdiff_t kj = 0; kj < kw; kj++)
            for (ptrdiff_t o = 0; o < lanes; o++) {
                float sum = 0.0f;
                for (ptrdiff_t s = 0; s < samples; s++)
                    for (ptrdiff_t y = 0; y < height; y++)
                        for (ptrdiff_t x = 0; x < width; x++)
                            sum += g[s * gSample + (y * gPitch + x) * lanes + o]
                                * in[s * inSample + rowOffsets[row] + y * pitch + x + kj];
                dw[(row * kw + kj) * lanes + o] += sum;
            }
}

void blitz_correlate_lanes_input_grad_f32_avx512(const float *g, ptrdiff_t gPitch, ptrdiff_t outVectors,
                                                 const float *w, ptrdiff_t channels, ptrdiff_t kh, ptrdiff_t kw,
                                                 ptrdiff_t oh, float *dx, ptrdiff_t height, ptrdiff_t width) {
    const ptrdiff_t lanes = 16 * outVectors;
    for (ptrdiff_t c = 0; c < channels; c++)
        for (ptrdiff_t y = 0; y < height; y++)
            for (ptrdiff_t x = 0; x < width; x++) {
                float sum = 0.0f;
                for (ptrdiff_t ki = 0; ki < kh; ki++) {
                    if (y - ki < 0 || y - ki >= oh) continue;
                    for (ptrdiff_t kj = 0; kj < kw; kj++)
                        for (ptrdiff_t o = 0; o < lanes; o++)
                            sum += w[((c * kh + ki) * kw + kj) * lanes + o] * g[((y - ki) * gPitch + x - kj + kw - 1) * lanes + o];
                }
                dx[(c * height + y) * width + x] = sum;
            }
}

void blitz_transpose_f32_avx512(const float *src, ptrdiff_t srcPitch, ptrdiff_t rows, ptrdiff_t cols,
                                float *dst, ptrdiff_t dstPitch) {
    for (ptrdiff_t i = 0; i < rows; i++)
        for (ptrdiff_t j = 0; j < cols; j++) dst[j * dstPitch + i] = src[i * srcPitch + j];
}

#endif
