import CKernels

/// CKernels' float32 kernels at the vector width a backend runs: AVX-512 where the CPU has it (and
/// the backend was not capped below it), else AVX2/FMA. The two sets compute the same things under
/// the same contracts (CKernels.h); only the order of the additions inside a sum differs.
struct VectorKernelSet: Sendable {
    let width: VectorWidth

    /// nil when `width` is portable: the backend then keeps its Swift loops.
    init?(_ width: VectorWidth) {
        guard width >= .avx2 else { return nil }
        self.width = width
    }

    private var wide: Bool { width == .avx512 }

    /// Whether the channels-in-lanes convolution kernels (CKernelsLanes.h) run: AVX-512 only.
    var hasLanes: Bool { wide }

    // The lanes kernels: call only when `hasLanes`.

    func correlateLanes(_ input: UnsafePointer<Float>, _ pitch: Int, _ offsets: UnsafePointer<Int>, _ patch: Int,
                        _ w: UnsafePointer<Float>, _ outVectors: Int, _ bias: UnsafePointer<Float>?, _ height: Int,
                        _ width: Int, _ out: UnsafeMutablePointer<Float>) {
        blitz_correlate_lanes_f32_avx512(input, pitch, offsets, patch, w, outVectors, bias, height, width, out)
    }

    func correlateLanesWeightGrad(_ g: UnsafePointer<Float>, _ gSample: Int, _ gPitch: Int, _ outVectors: Int,
                                  _ input: UnsafePointer<Float>, _ inSample: Int, _ pitch: Int, _ rowOffsets: UnsafePointer<Int>,
                                  _ rows: Int, _ kw: Int, _ height: Int, _ width: Int, _ samples: Int,
                                  _ dw: UnsafeMutablePointer<Float>) {
        blitz_correlate_lanes_weight_grad_f32_avx512(g, gSample, gPitch, outVectors, input, inSample, pitch, rowOffsets, rows, kw,
                                                     height, width, samples, dw)
    }

    func correlateLanesInputGrad(_ g: UnsafePointer<Float>, _ gPitch: Int, _ outVectors: Int, _ w: UnsafePointer<Float>,
                                 _ channels: Int, _ kh: Int, _ kw: Int, _ oh: Int, _ dx: UnsafeMutablePointer<Float>,
                                 _ height: Int, _ width: Int) {
        blitz_correlate_lanes_input_grad_f32_avx512(g, gPitch, outVectors, w, channels, kh, kw, oh, dx, height, width)
    }

    func transpose(_ src: UnsafePointer<Float>, _ srcPitch: Int, _ rows: Int, _ cols: Int, _ dst: UnsafeMutablePointer<Float>,
                   _ dstPitch: Int) {
        blitz_transpose_f32_avx512(src, srcPitch, rows, cols, dst, dstPitch)
    }

    func correlate(_ input: UnsafePointer<Float>, _ offsets: UnsafePointer<Int>, _ patch: Int, _ wT: UnsafePointer<Float>,
                   _ bias: UnsafePointer<Float>?, _ outCount: Int, _ out: UnsafeMutablePointer<Float>, _ pitch: Int,
                   _ positions: Int) {
        if wide {
            blitz_correlate_f32_avx512(input, offsets, patch, wT, bias, outCount, out, pitch, positions)
        } else {
            blitz_correlate_f32(input, offsets, patch, wT, bias, outCount, out, pitch, positions)
        }
    }

    func correlateWeightGrad(_ g: UnsafePointer<Float>, _ gPitch: Int, _ gSample: Int, _ outCount: Int,
                             _ input: UnsafePointer<Float>, _ inSample: Int, _ offsets: UnsafePointer<Int>, _ patch: Int,
                             _ positions: Int, _ samples: Int, _ dw: UnsafeMutablePointer<Float>) {
        if wide {
            blitz_correlate_weight_grad_f32_avx512(g, gPitch, gSample, outCount, input, inSample, offsets, patch,
                                                   positions, samples, dw)
        } else {
            blitz_correlate_weight_grad_f32(g, gPitch, gSample, outCount, input, inSample, offsets, patch,
                                            positions, samples, dw)
        }
    }

    /// acc[r] += Σ x[r·n ..< (r + 1)·n]: the same sums, to the bit, at both widths.
    func rowSumsAdd(_ x: UnsafePointer<Float>, _ rows: Int, _ n: Int, _ acc: UnsafeMutablePointer<Float>) {
        if wide { blitz_row_sums_add_f32_avx512(x, rows, n, acc) } else { blitz_row_sums_add_f32_avx2(x, rows, n, acc) }
    }

    func maxPool(_ x: UnsafePointer<Float>, _ planes: Int, _ height: Int, _ width: Int,
                 _ values: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<Int64>) {
        if wide {
            blitz_max_pool_2x2_f32_avx512(x, planes, height, width, values, indices)
        } else {
            blitz_max_pool_2x2_f32(x, planes, height, width, values, indices)
        }
    }

    func maxPoolBackward(_ grad: UnsafePointer<Float>, _ indices: UnsafePointer<Int64>, _ planes: Int, _ height: Int,
                         _ width: Int, _ dx: UnsafeMutablePointer<Float>) {
        if wide {
            blitz_max_pool_2x2_backward_f32_avx512(grad, indices, planes, height, width, dx)
        } else {
            blitz_max_pool_2x2_backward_f32(grad, indices, planes, height, width, dx)
        }
    }

    func sgd(_ p: UnsafeMutablePointer<Float>, _ grad: UnsafePointer<Float>, _ buf: UnsafeMutablePointer<Float>?,
             _ n: Int, _ h: UnsafePointer<blitz_sgd_params>) {
        if wide { blitz_sgd_f32_avx512(p, grad, buf, n, h) } else { blitz_sgd_f32_avx2(p, grad, buf, n, h) }
    }

    func adam(_ p: UnsafeMutablePointer<Float>, _ grad: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
              _ v: UnsafeMutablePointer<Float>, _ n: Int, _ h: UnsafePointer<blitz_adam_params>) {
        if wide { blitz_adam_f32_avx512(p, grad, m, v, n, h) } else { blitz_adam_f32_avx2(p, grad, m, v, n, h) }
    }

    /// Whether the row-wise log_softmax kernels run: AVX-512 only (their exp needs its scalef and masks).
    var hasRowSoftmax: Bool { wide }

    // Call only when `hasRowSoftmax`.

    func logSoftmaxRows(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ rows: Int, _ size: Int) {
        blitz_log_softmax_rows_f32_avx512(x, out, rows, size)
    }

    func logSoftmaxBackwardRows(_ grad: UnsafePointer<Float>, _ output: UnsafePointer<Float>,
                                _ out: UnsafeMutablePointer<Float>, _ rows: Int, _ size: Int) {
        blitz_log_softmax_backward_rows_f32_avx512(grad, output, out, rows, size)
    }

    /// Whether `sumMiddle` runs: AVX-512 only.
    var hasSumMiddle: Bool { wide }

    func sumMiddle(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ outer: Int, _ mid: Int, _ inner: Int,
                   _ columns: Int) {
        blitz_sum_middle_f32_avx512(x, out, outer, mid, inner, columns)
    }
}
