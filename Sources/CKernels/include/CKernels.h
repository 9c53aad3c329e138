#ifndef BLITZ_CKERNELS_H
#define BLITZ_CKERNELS_H

// Hand-vectorised float32 kernels for CPUBackend (AVX2 + FMA on x86-64): the convolution as flat
// correlations, and the 2×2 max pool.
//
// Swift compiles for the baseline x86-64 (SSE2) so that one binary runs on every such CPU; these
// few kernels are compiled for AVX2/FMA by a per-function target attribute and are called only
// after blitz_vector_kernels_available() said the CPU has them. Elsewhere (other CPUs, other
// architectures) that function says no and CPUBackend keeps its Swift loops.
//
// The convolution kernels see a convolution as a "flat correlation": with every plane stored row after row
// at pitch W, the input element under kernel offset (c, ki, kj) for output position p = y·W + x
// is in[c·plane + ki·W + kj + p]. One table of offsets, one per (c, ki, kj), then turns a whole
// stride-1 convolution (and its input gradient) into long contiguous runs.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// True when this CPU and its OS run AVX2 and FMA (CPUID and XGETBV). Cheap, but not free:
// callers keep the answer.
bool blitz_vector_kernels_available(void);

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

#endif
