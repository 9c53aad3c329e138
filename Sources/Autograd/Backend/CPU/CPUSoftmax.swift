/// CPUBackend's log_softmax (forward and backward) and the gather/scatter pair the losses use.
/// Each (outer, inner) line along the dimension is independent, so lines split over threads.
/// The arithmetic is the reference's, in the same order, so results match it to the bit
/// except for the sums, which use partial sums when the dimension is the last one. float32 rows
/// (the dimension is the last one) run log_softmax_avx512.c's kernels where AVX-512 is on: one
/// pass over a short row, a vector exp within 1 ulp.

func cpuLogSoftmax<T: FloatElement>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, outer: Int, size: Int, inner: Int, threads: Int) {
    CPUParallel.forRanges(outer, grain: Swift.max(1, CPUGrain.transcendental / Swift.max(size * inner, 1)), threads: threads) { range in
        for o in range {
            let base = o * size * inner
            for i in 0..<inner {
                let px = x + base + i, po = out + base + i
                var m = -T.infinity
                // Swift.max keeps m when v is NaN, as the reference does; the NaN still reaches the sum.
                for k in 0..<size { m = Swift.max(m, px[k * inner]) }
                var s: T = 0
                for k in 0..<size { s += T.exp(px[k * inner] - m) }
                // (x − max) − log Σ, in the reference's (and PyTorch's) order.
                let logSum = T.log(s)
                for k in 0..<size { po[k * inner] = (px[k * inner] - m) - logSum }
            }
        }
    }
}

func cpuLogSoftmaxBackward<T: FloatElement>(_ grad: UnsafePointer<T>, _ output: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                            outer: Int, size: Int, inner: Int, threads: Int) {
    CPUParallel.forRanges(outer, grain: Swift.max(1, CPUGrain.transcendental / Swift.max(size * inner, 1)), threads: threads) { range in
        for o in range {
            let base = o * size * inner
            for i in 0..<inner {
                let pg = grad + base + i, py = output + base + i, po = out + base + i
                let s: T
                if inner == 1 {
                    s = horizontalSum(pg, size)
                } else {
                    var acc: T = 0
                    for k in 0..<size { acc += pg[k * inner] }
                    s = acc
                }
                for k in 0..<size { po[k * inner] = pg[k * inner] - T.exp(py[k * inner]) * s }
            }
        }
    }
}

/// log_softmax over `rows` contiguous rows of `size` with the AVX-512 row kernel.
func cpuLogSoftmaxRows(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, size: Int,
                       kernels: VectorKernelSet, threads: Int) {
    CPUParallel.forRanges(rows, grain: Swift.max(1, CPUGrain.transcendental / Swift.max(size, 1)), threads: threads) { range in
        let o = range.lowerBound * size
        kernels.logSoftmaxRows(x + o, out + o, range.count, size)
    }
}

func cpuLogSoftmaxBackwardRows(_ grad: UnsafePointer<Float>, _ output: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                               rows: Int, size: Int, kernels: VectorKernelSet, threads: Int) {
    CPUParallel.forRanges(rows, grain: Swift.max(1, CPUGrain.transcendental / Swift.max(size, 1)), threads: threads) { range in
        let o = range.lowerBound * size
        kernels.logSoftmaxBackwardRows(grad + o, output + o, out + o, range.count, size)
    }
}

/// out[o, j, i] = x[o, index[o, j, i], i].
func cpuGather<T>(_ x: UnsafePointer<T>, _ index: UnsafePointer<Int64>, _ out: UnsafeMutablePointer<T>,
                  outer: Int, size: Int, inner: Int, indexSize: Int) {
    for o in 0..<outer {
        let src = x + o * size * inner
        for j in 0..<indexSize {
            let row = (o * indexSize + j) * inner
            for i in 0..<inner {
                let k = Int(index[row + i])
                // Checked before the read, with fatalError so -Ounchecked keeps it: a bad label must stop, not read stray memory.
                if k < 0 || k >= size {
                    fatalError("gather: index \(k) is out of bounds for dimension with size \(size)")
                }
                out[row + i] = src[k * inner + i]
            }
        }
    }
}

/// The adjoint of gather: zeros of (outer, size, inner) with grad added at the indices.
func cpuScatterAdd<T: Numeric>(_ grad: UnsafePointer<T>, _ index: UnsafePointer<Int64>, _ out: UnsafeMutablePointer<T>,
                               outer: Int, size: Int, inner: Int, indexSize: Int) {
    out.update(repeating: 0, count: outer * size * inner)
    for o in 0..<outer {
        let dst = out + o * size * inner
        for j in 0..<indexSize {
            let row = (o * indexSize + j) * inner
            for i in 0..<inner {
                let k = Int(index[row + i])
                if k < 0 || k >= size {
                    fatalError("scatter_add: index \(k) is out of bounds for dimension with size \(size)")
                }
                dst[k * inner + i] += grad[row + i]
            }
        }
    }
}
