// The optimizer updates of CKernels.h (SGD, Adam/AdamW) for AVX2 and AVX-512, float32.
//
// An update is a short line of arithmetic over three or four arrays, so the loop is bound by its
// loads and stores: wider registers are what make it faster (the Swift loops compile for SSE2).
// The results are bit-for-bit the Swift loops' (CPUOptimizers.swift) and the reference's: the same
// operations in the same order, each rounded on its own. Fused multiply-adds would round once
// where those round twice, so contraction is off for this file (vector and scalar code alike), and
// square root and division are IEEE's correctly rounded ones at every width. AVX-512 handles the
// last 1–15 elements with k-masked loads and stores; AVX2 finishes them with the same scalar
// arithmetic. The choices that hold for a whole tensor are constant arguments of always-inlined
// bodies, so each combination compiles to a straight loop.

#include "CKernels.h"

#pragma STDC FP_CONTRACT OFF

#include <math.h>

#define INLINE static inline __attribute__((always_inline))

// One element of SGD, in the reference's order (pytorch-facts.md).
INLINE float sgd_one(float p, float g, float *buf, const blitz_sgd_params *h, bool decay, bool momentum, bool first,
                     bool nesterov) {
    if (decay) g = g + h->weight_decay * p;
    if (momentum) {
        const float b = first ? g : h->momentum * *buf + h->keep * g;
        *buf = b;
        g = nesterov ? g + h->momentum * b : b;
    }
    return p - h->lr * g;
}

INLINE float adam_one(float *p, float g, float *m, float *v, const blitz_adam_params *h, bool decay, bool decoupled) {
    float param = *p;
    if (decay) {
        if (decoupled) param = param * h->shrink; else g = g + h->weight_decay * param;
    }
    const float mi = h->beta1 * *m + h->one_minus_beta1 * g;
    const float vi = h->beta2 * *v + h->one_minus_beta2 * g * g;
    *m = mi;
    *v = vi;
    const float denom = sqrtf(vi) / h->correction2_root + h->eps;
    return param - h->step_size * mi / denom;
}

#if defined(__x86_64__)

#include "avx2.h"

#define AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))

// MARK: SGD

#define SGD_VECTOR_BODY(VEC, LOAD, STORE, SET1, ADD, MUL, SUB)                                              \
    VEC g = LOAD(grad + i), pv = LOAD(p + i);                                                               \
    if (decay) g = ADD(g, MUL(wd, pv));                                                                     \
    if (momentum) {                                                                                         \
        const VEC b = first ? g : ADD(MUL(mom, LOAD(buf + i)), MUL(keep, g));                               \
        STORE(buf + i, b);                                                                                  \
        g = nesterov ? ADD(g, MUL(mom, b)) : b;                                                             \
    }                                                                                                       \
    STORE(p + i, SUB(pv, MUL(lr, g)));

INLINE AVX2 void sgd_avx2(float *p, const float *grad, float *buf, ptrdiff_t n, const blitz_sgd_params *h, bool decay,
                          bool momentum, bool first, bool nesterov) {
    const __m256 lr = _mm256_set1_ps(h->lr), mom = _mm256_set1_ps(h->momentum), keep = _mm256_set1_ps(h->keep),
                 wd = _mm256_set1_ps(h->weight_decay);
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        SGD_VECTOR_BODY(__m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_add_ps, _mm256_mul_ps,
                        _mm256_sub_ps)
    }
    for (; i < n; i++) p[i] = sgd_one(p[i], grad[i], momentum ? buf + i : NULL, h, decay, momentum, first, nesterov);
}

INLINE AVX512 void sgd_avx512(float *p, const float *grad, float *buf, ptrdiff_t n, const blitz_sgd_params *h,
                              bool decay, bool momentum, bool first, bool nesterov) {
    const __m512 lr = _mm512_set1_ps(h->lr), mom = _mm512_set1_ps(h->momentum), keep = _mm512_set1_ps(h->keep),
                 wd = _mm512_set1_ps(h->weight_decay);
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        SGD_VECTOR_BODY(__m512, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, _mm512_add_ps, _mm512_mul_ps,
                        _mm512_sub_ps)
    }
    if (i < n) {
        // The last 1–15: masked-off lanes are neither read nor written.
        const __mmask16 k = (__mmask16)((1u << (n - i)) - 1u);
#define LOAD_TAIL(ptr) _mm512_maskz_loadu_ps(k, (ptr))
#define STORE_TAIL(ptr, v) _mm512_mask_storeu_ps((ptr), k, (v))
        SGD_VECTOR_BODY(__m512, LOAD_TAIL, STORE_TAIL, _mm512_set1_ps, _mm512_add_ps, _mm512_mul_ps, _mm512_sub_ps)
#undef LOAD_TAIL
#undef STORE_TAIL
    }
}

// Each combination of the whole-tensor choices as its own straight loop.
#define SGD_DISPATCH(KERNEL)                                                                                \
    const bool decay = h->weight_decay != 0, momentum = buf != NULL;                                        \
    if (!momentum) {                                                                                        \
        if (decay) KERNEL(p, grad, NULL, n, h, true, false, false, false);                                  \
        else KERNEL(p, grad, NULL, n, h, false, false, false, false);                                       \
        return;                                                                                             \
    }                                                                                                       \
    switch ((decay ? 4 : 0) | (h->first ? 2 : 0) | (h->nesterov ? 1 : 0)) {                                 \
    case 0: KERNEL(p, grad, buf, n, h, false, true, false, false); break;                                   \
    case 1: KERNEL(p, grad, buf, n, h, false, true, false, true); break;                                    \
    case 2: KERNEL(p, grad, buf, n, h, false, true, true, false); break;                                    \
    case 3: KERNEL(p, grad, buf, n, h, false, true, true, true); break;                                     \
    case 4: KERNEL(p, grad, buf, n, h, true, true, false, false); break;                                    \
    case 5: KERNEL(p, grad, buf, n, h, true, true, false, true); break;                                     \
    case 6: KERNEL(p, grad, buf, n, h, true, true, true, false); break;                                     \
    default: KERNEL(p, grad, buf, n, h, true, true, true, true); break;                                     \
    }

AVX2 void blitz_sgd_f32_avx2(float *p, const float *grad, float *buf, ptrdiff_t n, const blitz_sgd_params *h) {
    SGD_DISPATCH(sgd_avx2)
}

AVX512 void blitz_sgd_f32_avx512(float *p, const float *grad, float *buf, ptrdiff_t n, const blitz_sgd_params *h) {
    SGD_DISPATCH(sgd_avx512)
}

// MARK: Adam

#define ADAM_VECTOR_BODY(VEC, LOAD, STORE, ADD, MUL, SUB, DIV, SQRT)                                        \
    VEC g = LOAD(grad + i), pv = LOAD(p + i);                                                               \
    if (decay) {                                                                                            \
        if (decoupled) pv = MUL(pv, shrink); else g = ADD(g, MUL(wd, pv));                                  \
    }                                                                                                       \
    const VEC mi = ADD(MUL(b1, LOAD(m + i)), MUL(ob1, g));                                                  \
    const VEC vi = ADD(MUL(b2, LOAD(v + i)), MUL(MUL(ob2, g), g));                                          \
    STORE(m + i, mi);                                                                                       \
    STORE(v + i, vi);                                                                                       \
    const VEC denom = ADD(DIV(SQRT(vi), c2), eps);                                                          \
    STORE(p + i, SUB(pv, DIV(MUL(step, mi), denom)));

#define ADAM_CONSTANTS(SET1, VEC)                                                                           \
    const VEC b1 = SET1(h->beta1), b2 = SET1(h->beta2), ob1 = SET1(h->one_minus_beta1),                     \
              ob2 = SET1(h->one_minus_beta2), eps = SET1(h->eps), wd = SET1(h->weight_decay),                \
              shrink = SET1(h->shrink), step = SET1(h->step_size), c2 = SET1(h->correction2_root);

INLINE AVX2 void adam_avx2(float *p, const float *grad, float *m, float *v, ptrdiff_t n, const blitz_adam_params *h,
                           bool decay, bool decoupled) {
    ADAM_CONSTANTS(_mm256_set1_ps, __m256)
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        ADAM_VECTOR_BODY(__m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_add_ps, _mm256_mul_ps, _mm256_sub_ps,
                         _mm256_div_ps, _mm256_sqrt_ps)
    }
    for (; i < n; i++) p[i] = adam_one(p + i, grad[i], m + i, v + i, h, decay, decoupled);
}

INLINE AVX512 void adam_avx512(float *p, const float *grad, float *m, float *v, ptrdiff_t n,
                               const blitz_adam_params *h, bool decay, bool decoupled) {
    ADAM_CONSTANTS(_mm512_set1_ps, __m512)
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        ADAM_VECTOR_BODY(__m512, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_add_ps, _mm512_mul_ps, _mm512_sub_ps,
                         _mm512_div_ps, _mm512_sqrt_ps)
    }
    if (i < n) {
        const __mmask16 k = (__mmask16)((1u << (n - i)) - 1u);
        // Masked-off lanes load zeros: sqrt(0)/c2 + eps is not zero, so nothing there divides by 0.
#define LOAD_TAIL(ptr) _mm512_maskz_loadu_ps(k, (ptr))
#define STORE_TAIL(ptr, v) _mm512_mask_storeu_ps((ptr), k, (v))
        ADAM_VECTOR_BODY(__m512, LOAD_TAIL, STORE_TAIL, _mm512_add_ps, _mm512_mul_ps, _mm512_sub_ps, _mm512_div_ps,
                         _mm512_sqrt_ps)
#undef LOAD_TAIL
#undef STORE_TAIL
    }
}

#define ADAM_DISPATCH(KERNEL)                                                                               \
    if (h->weight_decay == 0) KERNEL(p, grad, m, v, n, h, false, false);                                    \
    else if (h->decoupled) KERNEL(p, grad, m, v, n, h, true, true);                                         \
    else KERNEL(p, grad, m, v, n, h, true, false);

AVX2 void blitz_adam_f32_avx2(float *p, const float *grad, float *m, float *v, ptrdiff_t n,
                              const blitz_adam_params *h) {
    ADAM_DISPATCH(adam_avx2)
}

AVX512 void blitz_adam_f32_avx512(float *p, const float *grad, float *m, float *v, ptrdiff_t n,
                                  const blitz_adam_params *h) {
    ADAM_DISPATCH(adam_avx512)
}

#else

// Other architectures: never called (CPUBackend keeps its Swift loops there); the same arithmetic.

static void sgd_scalar(float *p, const float *grad, float *buf, ptrdiff_t n, const blitz_sgd_params *h) {
    const bool decay = h->weight_decay != 0, momentum = buf != NULL;
    for (ptrdiff_t i = 0; i < n; i++)
        p[i] = sgd_one(p[i], grad[i], momentum ? buf + i : NULL, h, decay, momentum, h->first, h->nesterov);
}

static void adam_scalar(float *p, const float *grad, float *m, float *v, ptrdiff_t n, const blitz_adam_params *h) {
    const bool decay = h->weight_decay != 0;
    for (ptrdiff_t i = 0; i < n; i++) p[i] = adam_one(p + i, grad[i], m + i, v + i, h, decay, h->decoupled);
}

void blitz_sgd_f32_avx2(float *p, const float *grad, float *buf, ptrdiff_t n, const blitz_sgd_params *h) {
    sgd_scalar(p, grad, buf, n, h);
}

void blitz_sgd_f32_avx512(float *p, const float *grad, float *buf, ptrdiff_t n, const blitz_sgd_params *h) {
    sgd_scalar(p, grad, buf, n, h);
}

void blitz_adam_f32_avx2(float *p, const float *grad, float *m, float *v, ptrdiff_t n, const blitz_adam_params *h) {
    adam_scalar(p, grad, m, v, n, h);
}

void blitz_adam_f32_avx512(float *p, const float *grad, float *m, float *v, ptrdiff_t n, const blitz_adam_params *h) {
    adam_scalar(p, grad, m, v, n, h);
}

#endif
