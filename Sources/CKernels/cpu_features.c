// What this CPU can run, read once from CPUID and XGETBV: the vector width CPUBackend's kernels
// may use, and the OpenBLAS core type openblas.c chooses from it before loading OpenBLAS.

#include "CKernels.h"

#include <stdlib.h>

#if defined(__x86_64__)

#include <cpuid.h>

static int cached_level = -1;
static bool cached_bf16 = false;
static bool cached_amd = false;

static void read_features(void) {
    if (cached_level >= 0) return;
    int level = BLITZ_VECTOR_PORTABLE;
    unsigned a, b, c, d;
    if (__get_cpuid(0, &a, &b, &c, &d)) cached_amd = b == 0x68747541u;  // "Auth" of "AuthenticAMD"
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        const unsigned fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28;
        if ((c & (fma | osxsave | avx)) == (fma | osxsave | avx)) {
            // The OS saves the registers on a context switch: XCR0 bits 1–2 (XMM, YMM) for AVX,
            // and bits 5–7 (opmask, upper ZMM halves, ZMM16–31) for AVX-512.
            unsigned lo, hi;
            __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            unsigned b7 = 0, c7 = 0, d7 = 0, a7 = 0;
            if ((lo & 6u) == 6u && __get_cpuid_count(7, 0, &a7, &b7, &c7, &d7)) {
                if (b7 & (1u << 5)) level = BLITZ_VECTOR_AVX2;
                // F, DQ, BW and VL: what the AVX-512 kernels (and OpenBLAS's SkylakeX ones) use.
                const unsigned avx512 = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);
                if (level == BLITZ_VECTOR_AVX2 && (b7 & avx512) == avx512 && (lo & 0xE6u) == 0xE6u) {
                    level = BLITZ_VECTOR_AVX512;
                    unsigned a71 = 0, b71 = 0, c71 = 0, d71 = 0;
                    if (__get_cpuid_count(7, 1, &a71, &b71, &c71, &d71)) cached_bf16 = (a71 & (1u << 5)) != 0;
                }
            }
        }
    }
    cached_level = level;
}

#else

static void read_features(void) {}
static const int cached_level = BLITZ_VECTOR_PORTABLE;
static const bool cached_bf16 = false;
static const bool cached_amd = false;

#endif

int blitz_cpu_vector_level(void) {
    read_features();
    return cached_level;
}

bool blitz_cpu_has_avx512_bf16(void) {
    read_features();
    return cached_bf16;
}

bool blitz_vector_kernels_available(void) { return blitz_cpu_vector_level() >= BLITZ_VECTOR_AVX2; }

// MARK: OpenBLAS's core type (used by openblas.c before it loads the library)

const char *blitz_openblas_core_for_this_cpu(void) {
    read_features();
    if (!cached_amd || cached_level < BLITZ_VECTOR_AVX512) return NULL;
    return cached_bf16 ? "COOPERLAKE" : "SKYLAKEX";
}
