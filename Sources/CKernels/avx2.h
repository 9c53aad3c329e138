#ifndef BLITZ_CKERNELS_AVX2_H
#define BLITZ_CKERNELS_AVX2_H

// What the AVX2 kernels of this target share (x86-64 only; not part of the module's interface).

#include <immintrin.h>
#include <stddef.h>

// Compiles one function for AVX2/FMA; callers check blitz_cpu_vector_level() first.
#define AVX2 __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))
// For the copies that replace masked stores (microcoded and slow on AMD cores): left alone,
// clang turns those copies back into masked stores.
#define NO_VECTORIZE _Pragma("clang loop vectorize(disable) interleave(disable)")

// Lanes 0..<n set (0 ≤ n ≤ 8), for masked loads.
INLINE AVX2 __m256i lanes_below(ptrdiff_t n) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), index);
}

#endif
