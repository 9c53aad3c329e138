import CKernels

/// PyTorch's rule (`val > maxval || isnan(val)`): the first maximum in the window wins, and a NaN
/// beats everything, an earlier NaN included (the last NaN wins).
@inline(__always)
func beats<T: FloatElement>(_ v: T, _ best: T) -> Bool {
    v > best || v.isNaN
}

func cpuMaxPool<T: FloatElement>(_ x: UnsafePointer<T>, _ values: UnsafeMutablePointer<T>, _ indices: UnsafeMutablePointer<Int64>,
                                 _ g: ConvGeometry, threads: Int) {
    let oh = g.outHeight, ow = g.outWidth
    let planeIn = g.height * g.width, planeOut = oh * ow
    let planes = g.batch * g.channels
    let simple = g.kernelH == 2 && g.kernelW == 2 && g.strideH == 2 && g.strideW == 2 && g.paddingH == 0 && g.paddingW == 0
    let work = planeOut * g.kernelH * g.kernelW
    CPUParallel.forRanges(planes, grain: Swift.max(1, CPUGrain.elementwise / Swift.max(work, 1)), threads: threads) { range in
        for p in range {
            let src = x + p * planeIn
            let outValues = values + p * planeOut
            let outIndices = indices + p * planeOut
            if simple {
                // The blitz Net's MaxPool2d(2, 2): four candidates in PyTorch's scan order.
                let w = g.width
                for y in 0..<oh {
                    for xo in 0..<ow {
                        let i0 = 2 * y * w + 2 * xo
                        let i1 = i0 + 1, i2 = i0 + w, i3 = i0 + w + 1
                        let v0 = src[i0], v1 = src[i1], v2 = src[i2], v3 = src[i3]
                        var best = v0, bestIndex = i0
                        if (v0 + v1 + v2 + v3).isNaN {
                            // Rare (a NaN, or +inf and -inf together): PyTorch's rule step by step.
                            if beats(v1, best) { best = v1; bestIndex = i1 }
                            if beats(v2, best) { best = v2; bestIndex = i2 }
                            if beats(v3, best) { best = v3; bestIndex = i3 }
                        } else {
                            // No NaN: plain "strictly greater" selects, which compile without branches.
                            let g1 = v1 > best
                            best = g1 ? v1 : best
                            bestIndex = g1 ? i1 : bestIndex
                            let g2 = v2 > best
                            best = g2 ? v2 : best
                            bestIndex = g2 ? i2 : bestIndex
                            let g3 = v3 > best
                            best = g3 ? v3 : best
                            bestIndex = g3 ? i3 : bestIndex
                        }
                        outValues[y * ow + xo] = best
                        outIndices[y * ow + xo] = Int64(bestIndex)
                    }
                }
                continue
            }
            for y in 0..<oh {
                let y0 = y * g.strideH - g.paddingH
                let kiStart = Swift.max(0, -y0), kiEnd = Swift.min(g.kernelH, g.height - y0)
                for xo in 0..<ow {
                    let x0 = xo * g.strideW - g.paddingW
                    let kjStart = Swift.max(0, -x0), kjEnd = Swift.min(g.kernelW, g.width - x0)
                    var best = -T.infinity
                    var bestIndex = -1
                    if kiStart < kiEnd && kjStart < kjEnd {
                        for ki in kiStart..<kiEnd {
                            let rowStart = (y0 + ki) * g.width + x0
                            for kj in kjStart..<kjEnd {
                                let v = src[rowStart + kj]
                                if bestIndex < 0 || beats(v, best) {
                                    best = v
                                    bestIndex = rowStart + kj
                                }
                            }
                        }
                    }
                    outValues[y * ow + xo] = best
                    outIndices[y * ow + xo] = Int64(Swift.max(bestIndex, 0))
                }
            }
        }
    }
}

/// MaxPool2d(2, 2) without padding (the blitz Net's) on CKernels' AVX2 or AVX-512 kernels, planes
/// split over threads; the same values, indices and gradients as `cpuMaxPool` and
/// `cpuMaxPoolBackward`, eight or sixteen windows per step.
enum VectorMaxPool {
    static func applies(to g: ConvGeometry) -> Bool {
        g.kernelH == 2 && g.kernelW == 2 && g.strideH == 2 && g.strideW == 2 && g.paddingH == 0 && g.paddingW == 0
            && g.height * g.width < Int(Int32.max)
    }

    static func run(_ x: UnsafePointer<Float>, _ values: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<Int64>,
                    _ g: ConvGeometry, threads: Int, kernels: VectorKernelSet) {
        forPlanes(g, threads: threads) { first, count, planeIn, planeOut in
            kernels.maxPool(x + first * planeIn, count, g.height, g.width, values + first * planeOut, indices + first * planeOut)
        }
    }

    /// The backward of `run` (indices must be the ones it chose): every element of `out` written.
    static func backward(_ grad: UnsafePointer<Float>, _ indices: UnsafePointer<Int64>, _ out: UnsafeMutablePointer<Float>,
                         _ g: ConvGeometry, threads: Int, kernels: VectorKernelSet) {
        forPlanes(g, threads: threads) { first, count, planeIn, planeOut in
            kernels.maxPoolBackward(grad + first * planeOut, indices + first * planeOut, count, g.height, g.width,
                                    out + first * planeIn)
        }
    }

    /// Input elements per chunk: these kernels take ~0.1–0.3 ns an element, so a chunk of 2¹⁴ is a
    /// few microseconds, worth a spinning worker's time (the blitz Net's second pool, 10⁵ inputs,
    /// ran alone on one thread for 20 µs at the elementwise grain).
    static let grain = 1 << 14

    /// The batch's planes in ranges over threads: body(first plane, plane count, input plane size, output plane size).
    private static func forPlanes(_ g: ConvGeometry, threads: Int, _ body: (Int, Int, Int, Int) -> Void) {
        let planeIn = g.height * g.width, planeOut = g.outHeight * g.outWidth, planes = g.batch * g.channels
        let planesPerChunk = Swift.max(1, grain / Swift.max(planeIn, 1))
        let chunks = CPUParallel.balancedChunkCount(planes, grain: planesPerChunk, threads: threads)
        CPUParallel.forChunks(planes, chunks: chunks) { _, range in
            body(range.lowerBound, range.count, planeIn, planeOut)
        }
    }
}

func cpuMaxPoolBackward<T: FloatElement>(_ grad: UnsafePointer<T>, _ indices: UnsafePointer<Int64>, _ out: UnsafeMutablePointer<T>,
                                         _ g: ConvGeometry, threads: Int) {
    let planeIn = g.height * g.width, planeOut = g.outHeight * g.outWidth
    let planes = g.batch * g.channels
    CPUParallel.forRanges(planes, grain: Swift.max(1, CPUGrain.elementwise / Swift.max(planeIn, 1)), threads: threads) { range in
        for p in range {
            let dst = out + p * planeIn
            dst.update(repeating: 0, count: planeIn)
            let src = grad + p * planeOut, idx = indices + p * planeOut
            for j in 0..<planeOut { dst[Int(idx[j])] += src[j] }
        }
    }
}
