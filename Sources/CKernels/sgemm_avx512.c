// blitz-tui's own float32 matrix product for CPUs with AVX-512 (CKernels.h: blitz_sgemm_avx512).
//
// Why not OpenBLAS here: OpenBLAS picks its kernels once, when it loads, from its table of CPU
// models or from OPENBLAS_CORETYPE. Where the user (or the environment) sets that variable to an
// AVX2 core, or where OpenBLAS does not know the CPU, it runs 8-float kernels on a CPU that has
// 16-float FMA units, half of what the core can do. This kernel is chosen at run time like the
// AVX-512 convolution kernels, so float32 products use the whole vector width whatever OpenBLAS
// chose; OpenBLAS keeps float64, and CPUs without AVX-512.
//
// The design is GotoBLAS/BLIS's. C is cut into 12 × 32 tiles; a tile's 24 accumulators (12 rows
// × 2 vectors of 16 floats) stay in ZMM registers while the kernel runs down k: per k step it
// loads 2 vectors of op(B)'s row, broadcasts 12 elements of op(A)'s column and issues 24 FMAs
// (27 of the 32 registers, no spills). Around it, k is cut into chunks of KC (a 32-wide panel of
// B, KC × 32 × 4 bytes = 32 KB, stays in the 48 KB L1 while the kernel walks down the rows of A)
// and the rows into blocks of MC (MC × KC of A, 192 KB, stays in the 1 MB L2).
//
// Packing: large operands are copied into panels (B into KC × 32 panels, A into 12-row panels,
// transposed on the way where the layout asks for it, 16 × 16 blocks in registers) so that the
// kernel streams contiguous memory. Small ones (the MLP's 32 × 128 × 64 products) are read in
// place where their layout allows it: packing would cost as much as the product. op(B) read in
// place must be row-major (B not transposed); op(A) is read in place either way (a broadcast
// reads one element, wherever it is).
//
// Edges: a tile with fewer than 12 rows is the same kernel with fewer accumulators (the row count
// is a compile-time constant of each instance); fewer than 32 columns use one vector, and k-masked
// loads and stores for the last partial one, which touch no memory outside the matrix and, unlike
// AVX2's vmaskmov, are not microcoded on AMD's cores. With beta = 0, C is never read.
//
// Epilogue: alpha, beta and an optional bias row (Linear's addmm) are applied in the store that
// writes a tile, so a bias costs no pass over C of its own. When C will be read (beta ≠ 0, or a
// later k chunk) its lines are prefetched as the tile starts.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define INLINE static inline __attribute__((always_inline))
// Loops over a tile's rows must unroll completely for its accumulators to live in registers; at
// -O2 clang stops unrolling 12 large iterations on its own.
#define UNROLL _Pragma("clang loop unroll(full)")

// Tile 12 × 32; k chunks of 256; row blocks of 192 (A's block in L2); column blocks of 1024 (B's
// packed block, 1 MB, in L2/L3). On Zen 5, KC 256 with MC 96..192 measured alike (about 220
// GFLOP/s on one core at 1024³); KC 128 and 384 were slower.
enum { MR = 12, NR = 32, KC = 256, MC = 192, NC = 1024 };

// Operands at most this many elements are read in place rather than packed.
enum { IN_PLACE_LIMIT = 128 * 128 };

INLINE AVX512 __mmask16 lanes16(ptrdiff_t n) {
    return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1u);
}

// MARK: micro-kernel

// How a tile's epilogue combines the product with what is there: the first k chunk applies the
// caller's beta (never reading C when beta is 0) and adds the bias; later chunks add to C.
typedef struct {
    float alpha, beta;
    bool first;
    const float *bias;  // bias[j] for this tile's columns, or NULL
} Epilogue;

// C[0..<R, 0..<nr] (nr ≤ 16·V) from op(A)'s R × kc tile and op(B)'s kc × nr tile. op(A)(i, p) is
// a[i·rsA + p·csA]; op(B)'s row p starts at b + p·ldb (a packed panel has ldb = NR and is
// zero-padded to NR columns; read in place, lanes past nr are masked off).
// `unitRows` says rsA = 1 (packed A, or A transposed), which frees the registers the row
// addresses would take.
INLINE AVX512 void tile(const int R, const int V, const bool unitRows, ptrdiff_t kc, const float *a, ptrdiff_t rsA,
                        ptrdiff_t csA, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, ptrdiff_t nr,
                        Epilogue e) {
    if (unitRows) rsA = 1;
    const __mmask16 m0 = lanes16(nr), m1 = lanes16(nr - 16);
    __m512 acc0[MR], acc1[MR];  // columns 0..<16 and 16..<32 (two arrays: one 2-D one ends up in memory)
    UNROLL for (int i = 0; i < R; i++) acc0[i] = acc1[i] = _mm512_setzero_ps();
    // C is read at the end (beta ≠ 0, or a later k chunk): ask for its lines now, so the loads
    // from L3 or memory overlap the k loop instead of stalling the epilogue.
    if (!e.first || e.beta != 0.0f) {
        UNROLL for (int i = 0; i < R; i++) {
            _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
            if (V > 1) _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);
        }
    }
    for (ptrdiff_t p = 0; p < kc; p++) {
        const float *bp = b + p * ldb;
        const __m512 b0 = _mm512_maskz_loadu_ps(m0, bp);
        const __m512 b1 = V > 1 ? _mm512_maskz_loadu_ps(m1, bp + 16) : b0;
        const float *ap = a + p * csA;
        UNROLL for (int i = 0; i < R; i++) {
            const __m512 ai = _mm512_set1_ps(ap[i * rsA]);
            acc0[i] = _mm512_fmadd_ps(ai, b0, acc0[i]);
            if (V > 1) acc1[i] = _mm512_fmadd_ps(ai, b1, acc1[i]);
        }
    }
    const __m512 alpha = _mm512_set1_ps(e.alpha), beta = _mm512_set1_ps(e.first ? e.beta : 1.0f);
    const bool readC = !e.first || e.beta != 0.0f;
    __m512 bias[2] = {_mm512_setzero_ps(), _mm512_setzero_ps()};
    if (e.first && e.bias != NULL) {
        bias[0] = _mm512_maskz_loadu_ps(m0, e.bias);
        if (V > 1) bias[1] = _mm512_maskz_loadu_ps(m1, e.bias + 16);
    }
    const bool full = nr >= 16 * V;
    UNROLL for (int i = 0; i < R; i++) {
        float *ci = c + i * ldc;
        UNROLL for (int v = 0; v < V; v++) {
            const __mmask16 mv = v == 0 ? m0 : m1;
            __m512 r = _mm512_fmadd_ps(alpha, v == 0 ? acc0[i] : acc1[i], bias[v]);
            if (readC) {
                const __m512 old = full ? _mm512_loadu_ps(ci + 16 * v) : _mm512_maskz_loadu_ps(mv, ci + 16 * v);
                r = _mm512_fmadd_ps(beta, old, r);
            }
            if (full) _mm512_storeu_ps(ci + 16 * v, r);
            else _mm512_mask_storeu_ps(ci + 16 * v, mv, r);
        }
    }
}

// One instance per row count and vector count: the accumulators must be compile-time arrays.
#define DEFINE_TILE(R, V, U)                                                                            \
    AVX512 static void tile_##R##_##V##_##U(ptrdiff_t kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA,   \
                                            const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,       \
                                            ptrdiff_t nr, Epilogue e) {                                   \
        tile(R, V, U, kc, a, rsA, csA, b, ldb, c, ldc, nr, e);                                           \
    }
#define DEFINE_TILES(R) DEFINE_TILE(R, 1, 0) DEFINE_TILE(R, 2, 0) DEFINE_TILE(R, 1, 1) DEFINE_TILE(R, 2, 1)
DEFINE_TILES(1) DEFINE_TILES(2) DEFINE_TILES(3) DEFINE_TILES(4) DEFINE_TILES(5) DEFINE_TILES(6)
DEFINE_TILES(7) DEFINE_TILES(8) DEFINE_TILES(9) DEFINE_TILES(10) DEFINE_TILES(11) DEFINE_TILES(12)

typedef void (*tile_fn)(ptrdiff_t, const float *, ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t, float *,
                        ptrdiff_t, ptrdiff_t, Epilogue);
#define TILE_PAIR(R) {{tile_##R##_1_0, tile_##R##_2_0}, {tile_##R##_1_1, tile_##R##_2_1}}
// tiles[rows][rsA == 1][vectors - 1]
static const tile_fn tiles[MR + 1][2][2] = {
    {{NULL, NULL}, {NULL, NULL}}, TILE_PAIR(1), TILE_PAIR(2), TILE_PAIR(3), TILE_PAIR(4), TILE_PAIR(5), TILE_PAIR(6),
    TILE_PAIR(7), TILE_PAIR(8), TILE_PAIR(9), TILE_PAIR(10), TILE_PAIR(11), TILE_PAIR(12),
};

// MARK: packing

// Rows r[0..<16] become columns: afterwards r[q] holds what was column q.
INLINE AVX512 void transpose16(__m512 r[16]) {
    __m512 t[16], u[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // u[4i + c], 128-bit lane L: rows 4i..<4i+4 of column 4L + c.
    for (int i = 0; i < 4; i++) {
        const __m512d lo = _mm512_castps_pd(t[4 * i]), hi = _mm512_castps_pd(t[4 * i + 1]);
        const __m512d lo2 = _mm512_castps_pd(t[4 * i + 2]), hi2 = _mm512_castps_pd(t[4 * i + 3]);
        u[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(lo, lo2));
        u[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(lo, lo2));
        u[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(hi, hi2));
        u[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(hi, hi2));
    }
    // Column 4L + c: lane L of u[c], u[4 + c], u[8 + c], u[12 + c].
    for (int c = 0; c < 4; c++) {
        const __m512 v02 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x88), w02 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x88);
        const __m512 v13 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xDD), w13 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xDD);
        r[c] = _mm512_shuffle_f32x4(v02, w02, 0x88);
        r[8 + c] = _mm512_shuffle_f32x4(v02, w02, 0xDD);
        r[4 + c] = _mm512_shuffle_f32x4(v13, w13, 0x88);
        r[12 + c] = _mm512_shuffle_f32x4(v13, w13, 0xDD);
    }
}

// dst[p·pitch + j] = src[j·ld + p] for j < rows (≤ 16), p < cols (≤ 16); dst's lanes j ≥ rows
// get zeros, and 16 floats are stored per p (the caller leaves room).
INLINE AVX512 void transpose_block(const float *src, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t cols, float *dst,
                                   ptrdiff_t pitch) {
    __m512 r[16];
    if (rows == 16 && cols == 16) {
        // The common, whole block: no masks, no per-row tests.
        UNROLL for (int j = 0; j < 16; j++) r[j] = _mm512_loadu_ps(src + j * ld);
        transpose16(r);
        UNROLL for (int p = 0; p < 16; p++) _mm512_storeu_ps(dst + p * pitch, r[p]);
        return;
    }
    const __mmask16 mask = lanes16(cols);
    for (int j = 0; j < 16; j++) r[j] = j < rows ? _mm512_maskz_loadu_ps(mask, src + j * ld) : _mm512_setzero_ps();
    transpose16(r);
    for (int p = 0; p < cols; p++) _mm512_storeu_ps(dst + p * pitch, r[p]);
}

// op(B)[p0..<p0+kc, j0..<j0+nc] into panels of NR columns, each kc × NR, zero-padded.
AVX512 static void pack_b(bool transB, const float *b, ptrdiff_t ldb, ptrdiff_t p0, ptrdiff_t j0, ptrdiff_t kc,
                          ptrdiff_t nc, float *dst) {
    for (ptrdiff_t jp = 0; jp < nc; jp += NR, dst += kc * NR) {
        const ptrdiff_t nr = nc - jp < NR ? nc - jp : NR;
        if (!transB) {
            const float *src = b + p0 * ldb + j0 + jp;
            const __mmask16 m0 = lanes16(nr), m1 = lanes16(nr - 16);
            for (ptrdiff_t p = 0; p < kc; p++) {
                _mm512_storeu_ps(dst + p * NR, _mm512_maskz_loadu_ps(m0, src + p * ldb));
                _mm512_storeu_ps(dst + p * NR + 16, _mm512_maskz_loadu_ps(m1, src + p * ldb + 16));
            }
        } else {
            // op(B)(p, j) = b[j·ldb + p]: 16 × 16 blocks transposed in registers.
            const float *src = b + (j0 + jp) * ldb + p0;
            for (ptrdiff_t h = 0; h < NR; h += 16) {
                const ptrdiff_t rows = nr - h < 16 ? nr - h : 16;
                for (ptrdiff_t p = 0; p < kc; p += 16) {
                    float *out = dst + p * NR + h;
                    if (rows <= 0) {
                        for (ptrdiff_t q = p; q < kc && q < p + 16; q++) _mm512_storeu_ps(dst + q * NR + h, _mm512_setzero_ps());
                    } else {
                        transpose_block(src + h * ldb + p, ldb, rows, kc - p < 16 ? kc - p : 16, out, NR);
                    }
                }
            }
        }
    }
}

// op(A)[i0..<i0+mc, p0..<p0+kc] into panels of MR rows, each kc × MR (element (i, p) at p·MR + i).
// Stores run 16 floats wide in ascending order, so the buffer needs 4 floats of room at its end.
AVX512 static void pack_a(bool transA, const float *a, ptrdiff_t lda, ptrdiff_t i0, ptrdiff_t p0, ptrdiff_t mc,
                          ptrdiff_t kc, float *dst) {
    for (ptrdiff_t ip = 0; ip < mc; ip += MR, dst += kc * MR) {
        const ptrdiff_t mr = mc - ip < MR ? mc - ip : MR;
        if (transA) {
            // op(A)(i, p) = a[p·lda + i]: row p of A holds the panel's column p.
            const float *src = a + p0 * lda + i0 + ip;
            const __mmask16 mask = lanes16(mr);
            for (ptrdiff_t p = 0; p < kc; p++) _mm512_storeu_ps(dst + p * MR, _mm512_maskz_loadu_ps(mask, src + p * lda));
        } else {
            const float *src = a + (i0 + ip) * lda + p0;
            for (ptrdiff_t p = 0; p < kc; p += 16)
                transpose_block(src + p, lda, mr, kc - p < 16 ? kc - p : 16, dst + p * MR, MR);
        }
    }
}

// MARK: buffers

// Each thread's packing buffers, grown as needed and kept for its next product: products run on
// the calling thread (CPUGemm gives each worker its own slab), so nothing is shared. A thread's
// buffers are freed when it exits (a pthread key's destructor): GCD retires and starts threads
// as it likes, and a retired thread must not strand its megabyte or so.
typedef struct {
    float *a, *b;
    size_t capacityA, capacityB;
} Buffers;

static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *p) {
    Buffers *buffers = p;
    free(buffers->a);
    free(buffers->b);
    free(buffers);
}

static void make_buffers_key(void) { pthread_key_create(&buffers_key, free_buffers); }

static Buffers *thread_buffers(void) {
    pthread_once(&buffers_once, make_buffers_key);
    Buffers *buffers = pthread_getspecific(buffers_key);
    if (buffers == NULL) {
        buffers = calloc(1, sizeof *buffers);
        if (buffers == NULL || pthread_setspecific(buffers_key, buffers) != 0) abort();
    }
    return buffers;
}

static float *reserve(float **buffer, size_t *capacity, size_t floats) {
    if (*capacity < floats) {
        free(*buffer);
        const size_t bytes = (floats * sizeof(float) + 63) & ~(size_t)63;
        *buffer = aligned_alloc(64, bytes);
        *capacity = *buffer ? floats : 0;
    }
    return *buffer;
}

// MARK: the product

// C = beta·C for an m × n block (beta = 0 writes zeros without reading C).
AVX512 static void scale_c(ptrdiff_t m, ptrdiff_t n, float beta, const float *bias, float *c, ptrdiff_t ldc) {
    for (ptrdiff_t i = 0; i < m; i++) {
        float *ci = c + i * ldc;
        for (ptrdiff_t j = 0; j < n; j++) {
            const float add = bias ? bias[j] : 0.0f;
            ci[j] = beta == 0.0f ? add : beta * ci[j] + add;
        }
    }
}

AVX512 void blitz_sgemm_avx512(bool transA, bool transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                               const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta, float *c,
                               ptrdiff_t ldc, const float *bias) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0.0f) {
        scale_c(m, n, beta, bias, c, ldc);
        return;
    }
    const bool packB = transB || k * n > IN_PLACE_LIMIT;
    const bool packA = m * k > IN_PLACE_LIMIT;
    const ptrdiff_t kcMax = k < KC ? k : KC;
    float *bufB = NULL, *bufA = NULL;
    if (packA || packB) {
        Buffers *buffers = thread_buffers();
        if (packB) {
            const ptrdiff_t ncMax = n < NC ? (n + NR - 1) / NR * NR : NC;
            bufB = reserve(&buffers->b, &buffers->capacityB, (size_t)(kcMax * ncMax + 16));
        }
        if (packA) {
            const ptrdiff_t mcMax = m < MC ? (m + MR - 1) / MR * MR : MC;
            bufA = reserve(&buffers->a, &buffers->capacityA, (size_t)(mcMax * kcMax + 16));
        }
    }
    if ((packB && bufB == NULL) || (packA && bufA == NULL)) abort();  // out of memory, as malloc's callers do
    // op(A)(i, p) = a[i·rsA + p·csA] read in place.
    const ptrdiff_t rsA = transA ? 1 : lda, csA = transA ? lda : 1;

    for (ptrdiff_t jc = 0; jc < n; jc += NC) {
        const ptrdiff_t nc = n - jc < NC ? n - jc : NC;
        for (ptrdiff_t pc = 0; pc < k; pc += KC) {
            const ptrdiff_t kc = k - pc < KC ? k - pc : KC;
            if (packB) pack_b(transB, b, ldb, pc, jc, kc, nc, bufB);
            const Epilogue base = {alpha, beta, pc == 0, NULL};
            for (ptrdiff_t ic = 0; ic < m; ic += MC) {
                const ptrdiff_t mc = m - ic < MC ? m - ic : MC;
                if (packA) pack_a(transA, a, lda, ic, pc, mc, kc, bufA);
                for (ptrdiff_t jr = 0; jr < nc; jr += NR) {
                    const ptrdiff_t nr = nc - jr < NR ? nc - jr : NR;
                    const float *bt = packB ? bufB + jr * kc : b + pc * ldb + jc + jr;
                    const ptrdiff_t ldbt = packB ? NR : ldb;
                    Epilogue e = base;
                    if (bias != NULL) e.bias = bias + jc + jr;
                    const int v = nr > 16 ? 2 : 1;
                    for (ptrdiff_t ir = 0; ir < mc; ir += MR) {
                        const ptrdiff_t mr = mc - ir < MR ? mc - ir : MR;
                        float *ct = c + (ic + ir) * ldc + jc + jr;
                        if (packA) {
                            tiles[mr][1][v - 1](kc, bufA + ir * kc, 1, MR, bt, ldbt, ct, ldc, nr, e);
                        } else {
                            const float *at = a + (ic + ir) * rsA + pc * csA;
                            tiles[mr][transA][v - 1](kc, at, rsA, csA, bt, ldbt, ct, ldc, nr, e);
                        }
                    }
                }
            }
        }
    }
}

#else

// Other architectures: never called (blitz_cpu_vector_level() says portable).
#include <stdlib.h>

void blitz_sgemm_avx512(bool transA, bool transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                        const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta, float *c,
                        ptrdiff_t ldc, const float *bias) {
    abort();
}

#endif
