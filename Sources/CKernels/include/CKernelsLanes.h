#ifndef BLITZ_CKERNELS_LANES_H
#define BLITZ_CKERNELS_LANES_H

// The convolution with output channels in the lanes of AVX-512 registers (correlate_lanes_avx512.c),
// for convolutions whose planes are too small for the flat correlations of CKernels.h to fill
// their registers. Call only when blitz_cpu_vector_level() says AVX-512. `V` is outVectors: the
// channel count rounded up to a multiple of 16, over 16; a channel row of 16·V floats holds the
// channels in order, and the lanes past the real channels compute values nobody reads.

#include <stddef.h>

// out[(y·width + x)·16V + o] = (bias ? bias[o] : 0) + Σ_r w[r·16V + o] · in[offsets[r] + y·pitch + x]
// for y < height, x < width, o < 16V, r < patch: one sample's output, channels last.
void blitz_correlate_lanes_f32_avx512(const float *in, ptrdiff_t pitch, const ptrdiff_t *offsets,
                                      ptrdiff_t patch, const float *w, ptrdiff_t outVectors,
                                      const float *bias, ptrdiff_t height, ptrdiff_t width, float *out);

// dw[(row·kw + kj)·16V + o] += Σ_s Σ_(y<height, x<width) g[s·gSample + (y·gPitch + x)·16V + o]
//                                                        · in[s·inSample + rowOffsets[row] + y·pitch + x + kj]
// for row < rows, kj < kw, o < 16V: the weight gradient with dY channels last (g, rows of gPitch
// positions), summed over samples.
void blitz_correlate_lanes_weight_grad_f32_avx512(const float *g, ptrdiff_t gSample, ptrdiff_t gPitch,
                                                  ptrdiff_t outVectors,
                                                  const float *in, ptrdiff_t inSample, ptrdiff_t pitch,
                                                  const ptrdiff_t *rowOffsets, ptrdiff_t rows, ptrdiff_t kw,
                                                  ptrdiff_t height, ptrdiff_t width, ptrdiff_t samples, float *dw);

// dx[(c·height + y)·width + x] = Σ_(ki, kj, o) w[((c·kh + ki)·kw + kj)·16V + o] · g[((y − ki)·gPitch + x − kj + kw − 1)·16V + o]
// over the ki with 0 ≤ y − ki < oh, for c < channels, y < height, x < width (width = ow + kw − 1):
// the input gradient of a stride-1 convolution over its padded plane, from dY channels last in
// rows of gPitch = ow + 2(kw − 1) positions whose first and last kw − 1 are zeros (so a window
// that leaves a row reads zeros). Every element of dx is written. g must have 4·16V readable
// floats after its last row (a last partial block reads past it and discards what it read).
void blitz_correlate_lanes_input_grad_f32_avx512(const float *g, ptrdiff_t gPitch, ptrdiff_t outVectors,
                                                 const float *w, ptrdiff_t channels, ptrdiff_t kh, ptrdiff_t kw,
                                                 ptrdiff_t oh, float *dx, ptrdiff_t height, ptrdiff_t width);

// dst[j·dstPitch + i] = src[i·srcPitch + j] for i < rows, j < cols; nothing else is touched.
void blitz_transpose_f32_avx512(const float *src, ptrdiff_t srcPitch, ptrdiff_t rows, ptrdiff_t cols,
                                float *dst, ptrdiff_t dstPitch);

#endif
