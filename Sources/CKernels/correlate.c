// The flat-correlation kernels of CKernels.h.
//
// Register blocking: a block keeps up to 12 accumulators of 8 floats in YMM registers and the
// loaded operands in the rest of the 16. The forward kernel's block is 6 outputs × 2 vectors of
// positions (per offset: 2 loads, 6 broadcasts, 12 FMAs, 15 registers: a 4 × 3 block needs 16
// and the compiler then spills an accumulator every iteration); the weight-gradient kernel's is
// 3 outputs × 4 offsets (per vector of positions: 7 loads, 12 FMAs), so both are bound by the
// FMA units rather than by loads. Edges use smaller blocks of the same code, and a
// last partial vector uses masked loads and stores, so nothing outside the stated indices is
// touched. Block sizes are compile-time constants (always_inline + literal arguments), which is
// what lets the compiler keep the accumulator arrays in registers.

#include "CKernels.h"

#if defined(__x86_64__)

#include "avx2.h"

INLINE AVX2 float horizontal_sum(__m256 v) {
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    x = _mm_add_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
}

// MARK: forward (and input gradient)

// OB outputs × VB vectors of 8 positions starting at `in`/`out`; `masked` makes the one vector
// (VB = 1) partial.
INLINE AVX2 void correlate_block(const float *in, const ptrdiff_t *offsets, ptrdiff_t patch,
                                 const float *wT, ptrdiff_t wStride, const float *bias,
                                 float *out, ptrdiff_t pitch, const int OB, const int VB,
                                 const bool masked, const __m256i mask, const ptrdiff_t count) {
    __m256 acc[6][2];
    for (int i = 0; i < OB; i++) {
        const __m256 start = _mm256_set1_ps(bias ? bias[i] : 0.0f);
        for (int j = 0; j < VB; j++) acc[i][j] = start;
    }
    for (ptrdiff_t r = 0; r < patch; r++) {
        const float *src = in + offsets[r];
        __m256 v[2];
        for (int j = 0; j < VB; j++)
            v[j] = masked ? _mm256_maskload_ps(src + 8 * j, mask) : _mm256_loadu_ps(src + 8 * j);
        const float *w = wT + r * wStride;
        for (int i = 0; i < OB; i++) {
            const __m256 wi = _mm256_broadcast_ss(w + i);
            for (int j = 0; j < VB; j++) acc[i][j] = _mm256_fmadd_ps(wi, v[j], acc[i][j]);
        }
    }
    for (int i = 0; i < OB; i++)
        for (int j = 0; j < VB; j++) {
            if (masked) {
                // Masked stores are microcoded and slow on AMD cores: spill, copy `count` lanes.
                float lanes[8];
                _mm256_storeu_ps(lanes, acc[i][j]);
                NO_VECTORIZE
                for (ptrdiff_t k = 0; k < count; k++) out[i * pitch + k] = lanes[k];
            } else {
                _mm256_storeu_ps(out + i * pitch + 8 * j, acc[i][j]);
            }
        }
}

// All positions for OB outputs: blocks of 2 vectors, then 1, then a masked remainder.
#define DEFINE_CORRELATE_ROWS(OB)                                                                  \
    AVX2 static void correlate_rows_##OB(const float *in, const ptrdiff_t *offsets, ptrdiff_t patch, \
                                         const float *wT, ptrdiff_t wStride, const float *bias,    \
                                         float *out, ptrdiff_t pitch, ptrdiff_t positions) {       \
        const __m256i all = _mm256_set1_epi32(-1);                                                 \
        ptrdiff_t p = 0;                                                                           \
        for (; p + 16 <= positions; p += 16)                                                       \
            correlate_block(in + p, offsets, patch, wT, wStride, bias, out + p, pitch, OB, 2, false, all, 16); \
        if (p + 8 <= positions) {                                                                  \
            correlate_block(in + p, offsets, patch, wT, wStride, bias, out + p, pitch, OB, 1, false, all, 8); \
            p += 8;                                                                                \
        }                                                                                          \
        if (p < positions)                                                                         \
            correlate_block(in + p, offsets, patch, wT, wStride, bias, out + p, pitch, OB, 1, true, \
                            lanes_below(positions - p), positions - p);                            \
    }

DEFINE_CORRELATE_ROWS(1)
DEFINE_CORRELATE_ROWS(2)
DEFINE_CORRELATE_ROWS(3)
DEFINE_CORRELATE_ROWS(4)
DEFINE_CORRELATE_ROWS(5)
DEFINE_CORRELATE_ROWS(6)

AVX2 void blitz_correlate_f32(const float *in, const ptrdiff_t *offsets, ptrdiff_t patch,
                              const float *wT, const float *bias, ptrdiff_t outCount,
                              float *out, ptrdiff_t pitch, ptrdiff_t positions) {
    // Outputs in blocks of 6, except that 7 and 8 (and so 13, 14...) end in two blocks of 3 or 4
    // rather than 6 and 1 or 2.
    for (ptrdiff_t o = 0; o < outCount;) {
        const ptrdiff_t left = outCount - o;
        const ptrdiff_t count = left <= 6 ? left : (left < 9 ? (left + 1) / 2 : 6);
        const float *w = wT + o, *b = bias ? bias + o : NULL;
        float *dst = out + o * pitch;
        switch (count) {
        case 1: correlate_rows_1(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        case 2: correlate_rows_2(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        case 3: correlate_rows_3(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        case 4: correlate_rows_4(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        case 5: correlate_rows_5(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        default: correlate_rows_6(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        }
        o += count;
    }
}

// MARK: weight gradient

// OB outputs × RB offsets, summed over every sample and position, then added to dw.
INLINE AVX2 void weight_grad_block(const float *g, ptrdiff_t gPitch, ptrdiff_t gSample,
                                   const float *in, ptrdiff_t inSample, const ptrdiff_t *offsets,
                                   ptrdiff_t positions, ptrdiff_t samples, float *dw, ptrdiff_t patch,
                                   const int OB, const int RB) {
    __m256 acc[3][4];
    for (int i = 0; i < OB; i++)
        for (int j = 0; j < RB; j++) acc[i][j] = _mm256_setzero_ps();
    const ptrdiff_t full = positions & ~(ptrdiff_t)7;
    const __m256i mask = lanes_below(positions - full);
    for (ptrdiff_t s = 0; s < samples; s++) {
        const float *gs = g + s * gSample, *is = in + s * inSample;
        for (ptrdiff_t p = 0; p < full; p += 8) {
            __m256 gv[3];
            for (int i = 0; i < OB; i++) gv[i] = _mm256_loadu_ps(gs + i * gPitch + p);
            for (int j = 0; j < RB; j++) {
                const __m256 v = _mm256_loadu_ps(is + offsets[j] + p);
                for (int i = 0; i < OB; i++) acc[i][j] = _mm256_fmadd_ps(gv[i], v, acc[i][j]);
            }
        }
        if (full < positions) {
            __m256 gv[3];
            for (int i = 0; i < OB; i++) gv[i] = _mm256_maskload_ps(gs + i * gPitch + full, mask);
            for (int j = 0; j < RB; j++) {
                const __m256 v = _mm256_maskload_ps(is + offsets[j] + full, mask);
                for (int i = 0; i < OB; i++) acc[i][j] = _mm256_fmadd_ps(gv[i], v, acc[i][j]);
            }
        }
    }
    for (int i = 0; i < OB; i++)
        for (int j = 0; j < RB; j++) dw[i * patch + j] += horizontal_sum(acc[i][j]);
}

#define WEIGHT_GRAD_CASE(OB, RB)                                                                   \
    case (OB) * 4 + (RB):                                                                          \
        weight_grad_block(gb, gPitch, gSample, in, inSample, offsets + r, positions, samples,      \
                          dw + o * patch + r, patch, OB, RB);                                      \
        break;

AVX2 void blitz_correlate_weight_grad_f32(const float *g, ptrdiff_t gPitch, ptrdiff_t gSample, ptrdiff_t outCount,
                                          const float *in, ptrdiff_t inSample, const ptrdiff_t *offsets, ptrdiff_t patch,
                                          ptrdiff_t positions, ptrdiff_t samples, float *dw) {
    for (ptrdiff_t o = 0; o < outCount; o += 3) {
        const int ob = outCount - o < 3 ? (int)(outCount - o) : 3;
        const float *gb = g + o * gPitch;
        for (ptrdiff_t r = 0; r < patch; r += 4) {
            const int rb = patch - r < 4 ? (int)(patch - r) : 4;
            switch (ob * 4 + rb) {
                WEIGHT_GRAD_CASE(1, 1) WEIGHT_GRAD_CASE(1, 2) WEIGHT_GRAD_CASE(1, 3) WEIGHT_GRAD_CASE(1, 4)
                WEIGHT_GRAD_CASE(2, 1) WEIGHT_GRAD_CASE(2, 2) WEIGHT_GRAD_CASE(2, 3) WEIGHT_GRAD_CASE(2, 4)
                WEIGHT_GRAD_CASE(3, 1) WEIGHT_GRAD_CASE(3, 2) WEIGHT_GRAD_CASE(3, 3) WEIGHT_GRAD_CASE(3, 4)
            }
        }
    }
}

#else

// Other architectures: CPUBackend never calls these (its Swift loops run instead), but they
// are still the definitions the header states.

void blitz_correlate_f32(const float *in, const ptrdiff_t *offsets, ptrdiff_t patch,
                         const float *wT, const float *bias, ptrdiff_t outCount,
                         float *out, ptrdiff_t pitch, ptrdiff_t positions) {
    for (ptrdiff_t o = 0; o < outCount; o++)
        for (ptrdiff_t p = 0; p < positions; p++) {
            float sum = bias ? bias[o] : 0.0f;
            for (ptrdiff_t r = 0; r < patch; r++) sum += wT[r * outCount + o] * in[offsets[r] + p];
            out[o * pitch + p] = sum;
        }
}

void blitz_correlate_weight_grad_f32(const float *g, ptrdiff_t gPitch, ptrdiff_t gSample, ptrdiff_t outCount,
                                     const float *in, ptrdiff_t inSample, const ptrdiff_t *offsets, ptrdiff_t patch,
                                     ptrdiff_t positions, ptrdiff_t samples, float *dw) {
    for (ptrdiff_t o = 0; o < outCount; o++)
        for (ptrdiff_t r = 0; r < patch; r++) {
            float sum = 0.0f;
            for (ptrdiff_t s = 0; s < samples; s++)
                for (ptrdiff_t p = 0; p < positions; p++)
                    sum += g[s * gSample + o * gPitch + p] * in[s * inSample + offsets[r] + p];
            dw[o * patch + r] += sum;
        }
}

#endif
