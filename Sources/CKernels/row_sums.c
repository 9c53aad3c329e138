// Row sums for the convolutions' bias gradient (CKernels.h): dB[o] = Σ_n Σ_p dY[n][o][p], taken a
// sample at a time while the weight-gradient pass has that sample's dY in cache, instead of a
// separate reduction over the whole batch afterwards.
//
// Element i of a row goes into partial sum i mod 64 (four AVX-512 registers, or eight AVX2 ones,
// so the additions overlap), and the 64 partial sums are then added pairwise in one fixed order:
// the same additions in the same order at both widths, so both agree to the bit. A row's last
// 1–63 elements are loaded with masks that read zeros in the lanes past the row; adding +0
// leaves every partial sum as it was (a sum that starts at +0 is never −0).

#include "CKernels.h"

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)

#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
#define INLINE static inline __attribute__((always_inline))

// The 16 lanes' sums into one, in the order both widths use: halves, then quarters, then pairs.
INLINE AVX2 float reduce8(__m256 low, __m256 high) {
    const __m256 h = _mm256_add_ps(low, high);
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}

INLINE AVX512 __mmask16 lanes16(ptrdiff_t n) {
    return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1u);
}

AVX512 void blitz_row_sums_add_f32_avx512(const float *x, ptrdiff_t rows, ptrdiff_t n, float *acc) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = x + r * n;
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
        ptrdiff_t i = 0;
        for (; i + 64 <= n; i += 64) {
            s0 = _mm512_add_ps(s0, _mm512_loadu_ps(row + i));
            s1 = _mm512_add_ps(s1, _mm512_loadu_ps(row + i + 16));
            s2 = _mm512_add_ps(s2, _mm512_loadu_ps(row + i + 32));
            s3 = _mm512_add_ps(s3, _mm512_loadu_ps(row + i + 48));
        }
        if (i < n) {
            const ptrdiff_t left = n - i;
            s0 = _mm512_add_ps(s0, _mm512_maskz_loadu_ps(lanes16(left), row + i));
            s1 = _mm512_add_ps(s1, _mm512_maskz_loadu_ps(lanes16(left - 16), row + i + 16));
            s2 = _mm512_add_ps(s2, _mm512_maskz_loadu_ps(lanes16(left - 32), row + i + 32));
            s3 = _mm512_add_ps(s3, _mm512_maskz_loadu_ps(lanes16(left - 48), row + i + 48));
        }
        const __m512 s = _mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3));
        acc[r] += reduce8(_mm512_castps512_ps256(s), _mm512_extractf32x8_ps(s, 1));
    }
}

// Loads the floats at p whose lane k < count (at most 8), zeros elsewhere.
INLINE AVX2 __m256 load8(const float *p, ptrdiff_t count) {
    if (count >= 8) return _mm256_loadu_ps(p);
    if (count <= 0) return _mm256_setzero_ps();
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    return _mm256_maskload_ps(p, mask);
}

AVX2 void blitz_row_sums_add_f32_avx2(const float *x, ptrdiff_t rows, ptrdiff_t n, float *acc) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = x + r * n;
        // t[2k] and t[2k + 1]: the low and high halves of the AVX-512 kernel's s_k.
        __m256 t[8];
        for (int k = 0; k < 8; k++) t[k] = _mm256_setzero_ps();
        ptrdiff_t i = 0;
        for (; i + 64 <= n; i += 64)
            for (int k = 0; k < 8; k++) t[k] = _mm256_add_ps(t[k], _mm256_loadu_ps(row + i + 8 * k));
        if (i < n)
            for (int k = 0; k < 8; k++) t[k] = _mm256_add_ps(t[k], load8(row + i + 8 * k, n - i - 8 * k));
        const __m256 low = _mm256_add_ps(_mm256_add_ps(t[0], t[2]), _mm256_add_ps(t[4], t[6]));
        const __m256 high = _mm256_add_ps(_mm256_add_ps(t[1], t[3]), _mm256_add_ps(t[5], t[7]));
        acc[r] += reduce8(low, high);
    }
}

#else

// Other architectures: never called (the convolutions that use them need AVX2); the same sums.
static void row_sums_add(const float *x, ptrdiff_t rows, ptrdiff_t n, float *acc) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        float s[64] = {0};
        for (ptrdiff_t i = 0; i < n; i++) s[i % 64] += x[r * n + i];
        for (int j = 0; j < 16; j++) s[j] = (s[j] + s[j + 16]) + (s[j + 32] + s[j + 48]);
        for (int width = 8; width >= 1; width /= 2)
            for (int j = 0; j < width; j++) s[j] += s[j + width];
        acc[r] += s[0];
    }
}

void blitz_row_sums_add_f32_avx2(const float *x, ptrdiff_t rows, ptrdiff_t n, float *acc) {
    row_sums_add(x, rows, n, acc);
}
void blitz_row_sums_add_f32_avx512(const float *x, ptrdiff_t rows, ptrdiff_t n, float *acc) {
    row_sums_add(x, rows, n, acc);
}

#endif
