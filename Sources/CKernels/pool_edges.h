#ifndef BLITZ_CKERNELS_POOL_EDGES_H
#define BLITZ_CKERNELS_POOL_EDGES_H

// What the max-pool kernels of this target share (not part of the module's interface).

#include <stddef.h>

// Zero for the inputs of one plane that no 2×2 window covers (an odd last row or column).
static inline void clear_uncovered(float *dx, ptrdiff_t height, ptrdiff_t width) {
    if (width % 2)
        for (ptrdiff_t y = 0; y < height - height % 2; y++) dx[y * width + width - 1] = 0;
    if (height % 2)
        for (ptrdiff_t x = 0; x < width; x++) dx[(height - 1) * width + x] = 0;
}

#endif
