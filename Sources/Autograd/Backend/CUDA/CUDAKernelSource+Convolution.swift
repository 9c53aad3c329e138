/// im2col, col2im and max pooling over [n, c, h, w]. The backward kernels gather (each input
/// element sums what points at it) instead of scattering with atomics, so they are
/// deterministic and add in the reference backend's order.
extension CUDAKernelSource {
    static let convolutionKernels = #"""
    struct Geometry { i64 n; i64 c; i64 h; i64 w; i64 kh; i64 kw; i64 sh; i64 sw; i64 ph; i64 pw; i64 oh; i64 ow; };

    // x: the image (im2col) or the columns (col2im).
    struct ConvArgs { i64* status; const T* x; T* out; Geometry g; i64 magic; };

    // cols[row, col] with row = (c, ki, kj) and col = (n, y, x): [c·kh·kw, n·oh·ow].
    KERNEL(im2col, ConvArgs) {
        const Geometry g = p.g;
        const i64 columns = g.n * g.oh * g.ow;
        GRID_LOOP(t, g.c * g.kh * g.kw * columns) {
            const i64 row = t / columns;
            const i64 col = t % columns;
            const i64 kj = row % g.kw;
            const i64 ki = (row / g.kw) % g.kh;
            const i64 c = row / (g.kw * g.kh);
            const i64 xo = col % g.ow;
            const i64 y = (col / g.ow) % g.oh;
            const i64 n = col / (g.ow * g.oh);
            const i64 iy = y * g.sh - g.ph + ki;
            const i64 ix = xo * g.sw - g.pw + kj;
            const bool inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
            p.out[t] = inside ? p.x[((n * g.c + c) * g.h + iy) * g.w + ix] : (T)0;
        }
    }

    // Each image element sums the column entries that were copied from it.
    KERNEL(col2im, ConvArgs) {
        const Geometry g = p.g;
        const i64 columns = g.n * g.oh * g.ow;
        GRID_LOOP(t, g.n * g.c * g.h * g.w) {
            const i64 ix = t % g.w;
            const i64 iy = (t / g.w) % g.h;
            const i64 c = (t / (g.w * g.h)) % g.c;
            const i64 n = t / (g.w * g.h * g.c);
            T acc = (T)0;
            for (i64 ki = 0; ki < g.kh; ++ki) {
                const i64 ty = iy + g.ph - ki;
                if (ty < 0 || ty % g.sh != 0 || ty / g.sh >= g.oh) continue;
                const i64 y = ty / g.sh;
                for (i64 kj = 0; kj < g.kw; ++kj) {
                    const i64 tx = ix + g.pw - kj;
                    if (tx < 0 || tx % g.sw != 0 || tx / g.sw >= g.ow) continue;
                    const i64 xo = tx / g.sw;
                    const i64 row = (c * g.kh + ki) * g.kw + kj;
                    acc += p.x[row * columns + (n * g.oh + y) * g.ow + xo];
                }
            }
            p.out[t] = acc;
        }
    }

    // Forward: x image, values, indices. Backward: x gradient of the output, values the image
    // gradient, indices those of the forward.
    struct PoolArgs { i64* status; const T* x; T* values; i64* indices; Geometry g; i64 magic; };

    // PyTorch's rule (val > max || isnan(val)): the first maximum wins, the last NaN wins, padding never wins.
    KERNEL(max_pool, PoolArgs) {
        const Geometry g = p.g;
        GRID_LOOP(t, g.n * g.c * g.oh * g.ow) {
            const i64 xo = t % g.ow;
            const i64 y = (t / g.ow) % g.oh;
            const T* plane = p.x + (t / (g.ow * g.oh)) * g.h * g.w;
            T best = -t_inf();
            i64 bestIndex = -1;
            for (i64 ki = 0; ki < g.kh; ++ki) {
                const i64 iy = y * g.sh - g.ph + ki;
                if (iy < 0 || iy >= g.h) continue;
                for (i64 kj = 0; kj < g.kw; ++kj) {
                    const i64 ix = xo * g.sw - g.pw + kj;
                    if (ix < 0 || ix >= g.w) continue;
                    const T v = plane[iy * g.w + ix];
                    if (bestIndex < 0 || v > best || is_nan(v)) {
                        best = v;
                        bestIndex = iy * g.w + ix;
                    }
                }
            }
            p.values[t] = best;
            p.indices[t] = bestIndex < 0 ? 0 : bestIndex;
        }
    }

    // Each input element sums the gradients of the windows whose maximum it was.
    KERNEL(max_pool_backward, PoolArgs) {
        const Geometry g = p.g;
        GRID_LOOP(t, g.n * g.c * g.h * g.w) {
            const i64 ix = t % g.w;
            const i64 iy = (t / g.w) % g.h;
            const i64 plane = t / (g.w * g.h);
            const i64 here = iy * g.w + ix;
            // Windows y with y·sh − ph ≤ iy ≤ y·sh − ph + kh − 1, likewise for x.
            const i64 lowY = iy + g.ph - g.kh + 1;
            const i64 lowX = ix + g.pw - g.kw + 1;
            const i64 y0 = lowY <= 0 ? 0 : (lowY + g.sh - 1) / g.sh;
            const i64 x0 = lowX <= 0 ? 0 : (lowX + g.sw - 1) / g.sw;
            const i64 y1 = min((iy + g.ph) / g.sh, g.oh - 1);
            const i64 x1 = min((ix + g.pw) / g.sw, g.ow - 1);
            T acc = (T)0;
            for (i64 y = y0; y <= y1; ++y) {
                for (i64 xo = x0; xo <= x1; ++xo) {
                    const i64 j = (plane * g.oh + y) * g.ow + xo;
                    if (p.indices[j] == here) acc += p.x[j];
                }
            }
            p.values[t] = acc;
        }
    }

    """#
}
