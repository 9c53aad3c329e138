// The flat-correlation kernels of CKernels.h for AVX-512 (F, DQ, BW, VL): the AVX2 kernels of
// correlate.c with 16 floats a register instead of 8, and twice the registers to block with.
//
// Register blocking: the forward kernel's block is 6 outputs × 4 vectors of 16 positions (24
// accumulators; per offset 4 loads, 6 broadcasts, 24 FMAs); the weight-gradient kernel's is
// up to 6 outputs × 4 offsets (24 accumulators; per vector of positions 10 loads, 24 FMAs;
// 4 × 6 and 3 × 8 for fewer outputs). A last
// partial vector uses the k-masked loads and stores of AVX-512, which never touch the masked-off
// lanes' memory and, unlike AVX2's vmaskmov, are not microcoded on AMD's cores.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define INLINE static inline __attribute__((always_inline))

// Lanes 0..<n set (0 ≤ n ≤ 16).
INLINE AVX512 __mmask16 lanes16(ptrdiff_t n) { return (__mmask16)((1u << n) - 1u); }

// MARK: forward (and input gradient)

// OB outputs × VB vectors of 16 positions; `masked` makes the one vector (VB = 1) partial.
INLINE AVX512 void correlate_block16(const float *in, const ptrdiff_t *offsets, ptrdiff_t patch,
                                     const float *wT, ptrdiff_t wStride, const float *bias,
                                     float *out, ptrdiff_t pitch, const int OB, const int VB,
                                     const bool masked, const __mmask16 mask) {
    __m512 acc[6][4];
    for (int i = 0; i < OB; i++) {
        const __m512 start = _mm512_set1_ps(bias ? bias[i] : 0.0f);
        for (int j = 0; j < VB; j++) acc[i][j] = start;
    }
    for (ptrdiff_t r = 0; r < patch; r++) {
        const float *src = in + offsets[r];
        __m512 v[4];
        for (int j = 0; j < VB; j++)
            v[j] = masked ? _mm512_maskz_loadu_ps(mask, src + 16 * j) : _mm512_loadu_ps(src + 16 * j);
        const float *w = wT + r * wStride;
        for (int i = 0; i < OB; i++) {
            const __m512 wi = _mm512_set1_ps(w[i]);
            for (int j = 0; j < VB; j++) acc[i][j] = _mm512_fmadd_ps(wi, v[j], acc[i][j]);
        }
    }
    for (int i = 0; i < OB; i++)
        for (int j = 0; j < VB; j++) {
            if (masked) _mm512_mask_storeu_ps(out + i * pitch, mask, acc[i][j]);
            else _mm512_storeu_ps(out + i * pitch + 16 * j, acc[i][j]);
        }
}

// All positions for OB outputs: blocks of 4 vectors, then 2, then 1, then a masked remainder.
#define DEFINE_CORRELATE_ROWS16(OB)                                                                \
    AVX512 static void correlate_rows16_##OB(const float *in, const ptrdiff_t *offsets, ptrdiff_t patch, \
                                             const float *wT, ptrdiff_t wStride, const float *bias, \
                                             float *out, ptrdiff_t pitch, ptrdiff_t positions) {   \
        ptrdiff_t p = 0;                                                                           \
        for (; p + 64 <= positions; p += 64)                                                       \
            correlate_block16(in + p, offsets, patch, wT, wStride, bias, out + p, pitch, OB, 4, false, 0xFFFF); \
        if (p + 32 <= positions) {                                                                 \
            correlate_block16(in + p, offsets, patch, wT, wStride, bias, out + p, pitch, OB, 2, false, 0xFFFF); \
            p += 32;                                                                               \
        }                                                                                          \
        if (p + 16 <= positions) {                                                                 \
            correlate_block16(in + p, offsets, patch, wT, wStride, bias, out + p, pitch, OB, 1, false, 0xFFFF); \
            p += 16;                                                                               \
        }                                                                                          \
        if (p < positions)                                                                         \
            correlate_block16(in + p, offsets, patch, wT, wStride, bias, out + p, pitch, OB, 1, true, \
                              lanes16(positions - p));                                             \
    }

DEFINE_CORRELATE_ROWS16(1)
DEFINE_CORRELATE_ROWS16(2)
DEFINE_CORRELATE_ROWS16(3)
DEFINE_CORRELATE_ROWS16(4)
DEFINE_CORRELATE_ROWS16(5)
DEFINE_CORRELATE_ROWS16(6)

AVX512 void blitz_correlate_f32_avx512(const float *in, const ptrdiff_t *offsets, ptrdiff_t patch,
                                       const float *wT, const float *bias, ptrdiff_t outCount,
                                       float *out, ptrdiff_t pitch, ptrdiff_t positions) {
    // Outputs in blocks of 6, except that 7 and 8 (and so 13, 14...) end in two blocks of 3 or 4.
    for (ptrdiff_t o = 0; o < outCount;) {
        const ptrdiff_t left = outCount - o;
        const ptrdiff_t count = left <= 6 ? left : (left < 9 ? (left + 1) / 2 : 6);
        const float *w = wT + o, *b = bias ? bias + o : NULL;
        float *dst = out + o * pitch;
        switch (count) {
        case 1: correlate_rows16_1(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        case 2: correlate_rows16_2(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        case 3: correlate_rows16_3(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        case 4: correlate_rows16_4(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        case 5: correlate_rows16_5(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        default: correlate_rows16_6(in, offsets, patch, w, outCount, b, dst, pitch, positions); break;
        }
        o += count;
    }
}

// MARK: weight gradient

// OB outputs × RB offsets over one sample's positions, added to the block's partial sums (one
// vector per output and offset, in `sums`).
INLINE AVX512 void weight_grad_block16(const float *g, ptrdiff_t gPitch, const float *in, const ptrdiff_t *offsets,
                                       ptrdiff_t positions, __m512 *sums, const int OB, const int RB) {
    __m512 acc[6][8];
    for (int i = 0; i < OB; i++)
        for (int j = 0; j < RB; j++) acc[i][j] = sums[i * RB + j];
    const ptrdiff_t full = positions & ~(ptrdiff_t)15;
    for (ptrdiff_t p = 0; p < full; p += 16) {
        __m512 gv[6];
        for (int i = 0; i < OB; i++) gv[i] = _mm512_loadu_ps(g + i * gPitch + p);
        for (int j = 0; j < RB; j++) {
            const __m512 v = _mm512_loadu_ps(in + offsets[j] + p);
            for (int i = 0; i < OB; i++) acc[i][j] = _mm512_fmadd_ps(gv[i], v, acc[i][j]);
        }
    }
    if (full < positions) {
        const __mmask16 mask = lanes16(positions - full);
        __m512 gv[6];
        for (int i = 0; i < OB; i++) gv[i] = _mm512_maskz_loadu_ps(mask, g + i * gPitch + full);
        for (int j = 0; j < RB; j++) {
            const __m512 v = _mm512_maskz_loadu_ps(mask, in + offsets[j] + full);
            for (int i = 0; i < OB; i++) acc[i][j] = _mm512_fmadd_ps(gv[i], v, acc[i][j]);
        }
    }
    for (int i = 0; i < OB; i++)
        for (int j = 0; j < RB; j++) sums[i * RB + j] = acc[i][j];
}

#define WEIGHT_GRAD_CASE16(OB, RB)                                                                 \
    case (OB) * 16 + (RB):                                                                         \
        weight_grad_block16(gs + o * gPitch, gPitch, is, offsets + r, positions, sums + used, OB, RB); \
        break;

#define WEIGHT_GRAD_CASES4(OB)                                                                     \
    WEIGHT_GRAD_CASE16(OB, 1) WEIGHT_GRAD_CASE16(OB, 2) WEIGHT_GRAD_CASE16(OB, 3) WEIGHT_GRAD_CASE16(OB, 4)
#define WEIGHT_GRAD_CASES6(OB) WEIGHT_GRAD_CASES4(OB) WEIGHT_GRAD_CASE16(OB, 5) WEIGHT_GRAD_CASE16(OB, 6)
#define WEIGHT_GRAD_CASES8(OB) WEIGHT_GRAD_CASES6(OB) WEIGHT_GRAD_CASE16(OB, 7) WEIGHT_GRAD_CASE16(OB, 8)

// Vector partial sums kept for a run of blocks (32 KB on the stack).
enum { WEIGHT_GRAD_SUMS = 512 };

// Outputs in blocks of up to 6 (7 and 8 as two of 3 or 4, like the forward), each block of
// outputs with as many offsets as keep it at 24 accumulators or fewer.
INLINE AVX512 int weight_grad_outputs(ptrdiff_t left) {
    return (int)(left <= 6 ? left : (left < 9 ? (left + 1) / 2 : 6));
}
INLINE AVX512 int weight_grad_offsets(int ob) { return ob >= 5 ? 4 : (ob == 4 ? 6 : 8); }

AVX512 void blitz_correlate_weight_grad_f32_avx512(const float *g, ptrdiff_t gPitch, ptrdiff_t gSample,
                                                   ptrdiff_t outCount, const float *in, ptrdiff_t inSample,
                                                   const ptrdiff_t *offsets, ptrdiff_t patch,
                                                   ptrdiff_t positions, ptrdiff_t samples, float *dw) {
    // Samples outermost: one sample's dY' planes and image stay in the L1 cache while every
    // block of a run passes over them, and the blocks' sums wait in `sums` between samples.
    // (Blocks outermost, each pass over all the samples came from L2, and the kernel ran at
    // two thirds of the FMA units' rate.) A run is as many blocks, in order, as `sums` holds.
    __m512 sums[WEIGHT_GRAD_SUMS];
    ptrdiff_t o0 = 0, r0 = 0;
    while (o0 < outCount) {
        // The run: blocks from (o0, r0) on while their sums fit.
        ptrdiff_t o1 = o0, r1 = r0, count = 0;
        while (o1 < outCount) {
            const int ob = weight_grad_outputs(outCount - o1), rbMax = weight_grad_offsets(ob);
            const int rb = patch - r1 < rbMax ? (int)(patch - r1) : rbMax;
            if (count + ob * rb > WEIGHT_GRAD_SUMS) break;
            count += ob * rb;
            r1 += rb;
            if (r1 == patch) { r1 = 0; o1 += ob; }
        }
        for (ptrdiff_t k = 0; k < count; k++) sums[k] = _mm512_setzero_ps();
        for (ptrdiff_t s = 0; s < samples; s++) {
            const float *gs = g + s * gSample, *is = in + s * inSample;
            ptrdiff_t o = o0, r = r0, used = 0;
            while (used < count) {
                const int ob = weight_grad_outputs(outCount - o), rbMax = weight_grad_offsets(ob);
                const int rb = patch - r < rbMax ? (int)(patch - r) : rbMax;
                switch (ob * 16 + rb) {
                    WEIGHT_GRAD_CASES8(1) WEIGHT_GRAD_CASES8(2) WEIGHT_GRAD_CASES8(3)
                    WEIGHT_GRAD_CASES6(4) WEIGHT_GRAD_CASES4(5) WEIGHT_GRAD_CASES4(6)
                }
                used += ob * rb;
                r += rb;
                if (r == patch) { r = 0; o += ob; }
            }
        }
        // Into dw, block by block in the same order.
        ptrdiff_t o = o0, r = r0, used = 0;
        while (used < count) {
            const int ob = weight_grad_outputs(outCount - o), rbMax = weight_grad_offsets(ob);
            const int rb = patch - r < rbMax ? (int)(patch - r) : rbMax;
            for (int i = 0; i < ob; i++)
                for (int j = 0; j < rb; j++) dw[(o + i) * patch + r + j] += _mm512_reduce_add_ps(sums[used + i * rb + j]);
            used += ob * rb;
            r += rb;
            if (r == patch) { r = 0; o += ob; }
        }
        o0 = o1;
        r0 = r1;
    }
}

#else

// Other architectures: never called (blitz_cpu_vector_level() says portable); the AVX2 names'
// portable definitions in correlate.c compute the same.

void blitz_correlate_f32_avx512(const float *in, const ptrdiff_t *offsets, ptrdiff_t patch,
                                const float *wT, const float *bias, ptrdiff_t outCount,
                                float *out, ptrdiff_t pitch, ptrdiff_t positions) {
    blitz_correlate_f32(in, offsets, patch, wT, bias, outCount, out, pitch, positions);
}

void blitz_correlate_weight_grad_f32_avx512(const float *g, ptrdiff_t gPitch, ptrdiff_t gSample,
                                            ptrdiff_t outCount, const float *in, ptrdiff_t inSample,
                                            const ptrdiff_t *offsets, ptrdiff_t patch,
                                            ptrdiff_t positions, ptrdiff_t samples, float *dw) {
    blitz_correlate_weight_grad_f32(g, gPitch, gSample, outCount, in, inSample, offsets, patch, positions, samples, dw);
}

#endif
