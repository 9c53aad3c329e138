#ifndef BLITZ_CKERNELS_H
#define BLITZ_CKERNELS_H

// Hand-vectorised float32 kernels for CPUBackend (AVX2 + FMA, and AVX-512, on x86-64): the
// convolution as flat correlations, and the 2×2 max pool; and what this CPU runs.
//
// Swift compiles for the baseline x86-64 (SSE2) so that one binary runs on every such CPU; these
// few kernels are compiled for AVX2/FMA or AVX-512 by per-function target attributes and are
// called only after blitz_cpu_vector_level() said the CPU runs them. Elsewhere (other CPUs, other
// architectures) it says portable and CPUBackend keeps its Swift loops.
//
// The convolution kernels see a convolution as a "flat correlation": with every plane stored row after row
// at pitch W, the input element under kernel offset (c, ki, kj) for output position p = y·W + x
// is in[c·plane + ki·W + kj + p]. One table of offsets, one per (c, ki, kj), then turns a whole
// stride-1 convolution (and its input gradient) into long contiguous runs.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// The widest vectors this CPU and its OS run (CPUID and XGETBV, read once): AVX-512 means F, DQ,
// BW and VL with the ZMM state saved by the OS; AVX2 means AVX2 and FMA with the YMM state saved.
enum { BLITZ_VECTOR_PORTABLE = 0, BLITZ_VECTOR_AVX2 = 1, BLITZ_VECTOR_AVX512 = 2 };
int blitz_cpu_vector_level(void);

// True when the CPU has AVX512-BF16 (OpenBLAS's Cooperlake kernels rather than SkylakeX).
bool blitz_cpu_has_avx512_bf16(void);

// True when this CPU and its OS run AVX2 and FMA: blitz_cpu_vector_level() >= BLITZ_VECTOR_AVX2.
bool blitz_vector_kernels_available(void);

// The OpenBLAS core type this program chooses for this CPU when OPENBLAS_CORETYPE is unset
// (COOPERLAKE or SKYLAKEX on an AMD CPU with AVX-512, which OpenBLAS 0.3.21 does not recognise),
// or NULL when it leaves the choice to OpenBLAS.
const char *blitz_openblas_core_for_this_cpu(void);

// OpenBLAS, loaded on first use with dlopen after choosing its core type (openblas.c). Each
// function loads it first and stops the program with a message if it cannot be loaded.
// blitz_openblas_load_error: NULL once loaded, else why it could not be (and never stops).
const char *blitz_openblas_load_error(void);
// What to do when it is missing (one wording for the C exit and the Swift error).
extern const char *const blitz_openblas_install_hint;
// The core type set for the load (then unset again), or NULL when none was set.
const char *blitz_openblas_core_chosen(void);
// Row-major C = alpha·op(A)·op(B) + beta·C (cblas_sgemm, cblas_dgemm).
void blitz_sgemm(bool transA, bool transB, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);
void blitz_dgemm(bool transA, bool transB, int m, int n, int k, double alpha, const double *a, int lda,
                 const double *b, int ldb, double beta, double *c, int ldc);
// blitz-tui's own float32 product for AVX-512 (sgemm_avx512.c; call only when
// blitz_cpu_vector_level() says so): row-major C = alpha·op(A)·op(B) + beta·C + bias, where bias
// (NULL for none) holds one value per column of C, added once. Same contract as blitz_sgemm
// otherwise: with beta = 0, C is not read; k = 0 (or alpha = 0) gives beta·C + bias; m or n = 0
// touches nothing. Runs on the calling thread.
void blitz_sgemm_avx512(bool transA, bool transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                        const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta, float *c,
                        ptrdiff_t ldc, const float *bias);
void blitz_openblas_set_num_threads(int n);
int blitz_openblas_get_num_threads(void);
int blitz_openblas_get_num_procs(void);
const char *blitz_openblas_get_config(void);
const char *blitz_openblas_get_corename(void);

// out[o·pitch + p] = (bias ? bias[o] : 0) + Σ_r wT[r·outCount + o] · in[offsets[r] + p]
// for o < outCount, p < positions, r < patch. Reads and writes nothing outside those indices.
void blitz_correlate_f32(const float *in, const ptrdiff_t *offsets, ptrdiff_t patch,
                         const float *wT, const float *bias, ptrdiff_t outCount,
                         float *out, ptrdiff_t pitch, ptrdiff_t positions);

// dw[o·patch + r] += Σ_s Σ_p g[s·gSample + o·gPitch + p] · in[s·inSample + offsets[r] + p]
// for o < outCount, r < patch, s < samples, p < positions: a weight gradient, summed over samples.
void blitz_correlate_weight_grad_f32(const float *g, ptrdiff_t gPitch, ptrdiff_t gSample, ptrdiff_t outCount,
                                     const float *in, ptrdiff_t inSample, const ptrdiff_t *offsets, ptrdiff_t patch,
                                     ptrdiff_t positions, ptrdiff_t samples, float *dw);

// MaxPool2d(2, 2) without padding over `planes` planes of height × width: values and the
// flat in-plane index of each window's maximum, by PyTorch's rule (the first maximum in scan
// order, and a NaN beats everything, an earlier NaN too). Indices must fit in 32 bits (planes under 2³¹ elements).
void blitz_max_pool_2x2_f32(const float *x, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width,
                            float *values, int64_t *indices);

// Its backward: dx (every element of every plane written) gets each window's gradient at the
// index the forward chose and zero everywhere else.
void blitz_max_pool_2x2_backward_f32(const float *grad, const int64_t *indices, ptrdiff_t planes,
                                     ptrdiff_t height, ptrdiff_t width, float *dx);

// The same four kernels for AVX-512 (call only when blitz_cpu_vector_level() says so): the same
// contracts, 16 floats a register.
void blitz_correlate_f32_avx512(const float *in, const ptrdiff_t *offsets, ptrdiff_t patch,
                                const float *wT, const float *bias, ptrdiff_t outCount,
                                float *out, ptrdiff_t pitch, ptrdiff_t positions);
void blitz_correlate_weight_grad_f32_avx512(const float *g, ptrdiff_t gPitch, ptrdiff_t gSample,
                                            ptrdiff_t outCount, const float *in, ptrdiff_t inSample,
                                            const ptrdiff_t *offsets, ptrdiff_t patch,
                                            ptrdiff_t positions, ptrdiff_t samples, float *dw);
void blitz_max_pool_2x2_f32_avx512(const float *x, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width,
                                   float *values, int64_t *indices);
void blitz_max_pool_2x2_backward_f32_avx512(const float *grad, const int64_t *indices, ptrdiff_t planes,
                                            ptrdiff_t height, ptrdiff_t width, float *dx);

// The optimizer updates, float32, for AVX2 and AVX-512 (optim.c; call only when
// blitz_cpu_vector_level() says so). Bit for bit CPUBackend's Swift loops: the reference's
// arithmetic in its order, no fused multiply-adds. The scalars are float32 already rounded as the
// Swift loops round them.
typedef struct {
    float lr, momentum, keep, weight_decay;  // keep = 1 − dampening
    bool first, nesterov;                    // first: the step that creates the buffer (buf = g)
} blitz_sgd_params;
// SGD over n elements: with buf (the momentum buffer) NULL, p −= lr·(g + wd·p); else momentum as
// PyTorch's SGD (buf updated in place). Weight decay applies when weight_decay ≠ 0.
void blitz_sgd_f32_avx2(float *p, const float *grad, float *buf, ptrdiff_t n, const blitz_sgd_params *h);
void blitz_sgd_f32_avx512(float *p, const float *grad, float *buf, ptrdiff_t n, const blitz_sgd_params *h);

typedef struct {
    float beta1, beta2, eps, weight_decay;
    float step_size;                          // lr / (1 − β1^t)
    float correction2_root;                   // √(1 − β2^t)
    float shrink;                             // 1 − lr·wd (AdamW's decoupled decay)
    float one_minus_beta1, one_minus_beta2;
    bool decoupled;                           // AdamW: p ·= shrink instead of g += wd·p
} blitz_adam_params;
// Adam/AdamW over n elements, m and v updated in place.
void blitz_adam_f32_avx2(float *p, const float *grad, float *m, float *v, ptrdiff_t n, const blitz_adam_params *h);
void blitz_adam_f32_avx512(float *p, const float *grad, float *m, float *v, ptrdiff_t n, const blitz_adam_params *h);

// log_softmax along rows of `size` contiguous floats (AVX-512; call only when
// blitz_cpu_vector_level() says so; log_softmax_avx512.c): out[r, i] = (x[r, i] − max_r) − log Σ e^(x − max_r),
// with a vector exp within 1 ulp; and its backward out = grad − e^output · Σ_row grad.
void blitz_log_softmax_rows_f32_avx512(const float *x, float *out, ptrdiff_t rows, ptrdiff_t size);
void blitz_log_softmax_backward_rows_f32_avx512(const float *grad, const float *output, float *out,
                                                ptrdiff_t rows, ptrdiff_t size);

// out[o·inner + i] = Σ_m x[(o·mid + m)·inner + i] for o < outer, i < columns (≤ inner), each sum
// from 0 in the order of m (AVX-512; call only when blitz_cpu_vector_level() says so;
// sum_middle_avx512.c). Writes only those outputs.
void blitz_sum_middle_f32_avx512(const float *x, float *out, ptrdiff_t outer, ptrdiff_t mid, ptrdiff_t inner,
                                 ptrdiff_t columns);

// acc[r] += Σ_i x[r·n + i] for r < rows: the convolutions' bias gradient, a sample at a time
// (row_sums.c). Both sum each row in the same order, so they agree to the bit; call only when
// blitz_cpu_vector_level() says the CPU runs them.
void blitz_row_sums_add_f32_avx2(const float *x, ptrdiff_t rows, ptrdiff_t n, float *acc);
void blitz_row_sums_add_f32_avx512(const float *x, ptrdiff_t rows, ptrdiff_t n, float *acc);

// The channels-in-lanes convolution kernels (AVX-512).
#include "CKernelsLanes.h"

#endif
