import CKernels

/// CPUBackend's convolution and pooling kernels.
///
/// im2col and col2im work a whole output row at a time: for a kernel offset (ki, kj) the input
/// positions of one output row are an arithmetic run, so the run is copied (a memcpy-like loop
/// for stride 1) after working out once which part of it falls inside the padding. im2col
/// splits over rows of the column matrix, col2im over channels: neither shares outputs.

/// The output positions 0..<outSize whose input position o·stride − padding + k lies in 0..<size.
@inline(__always)
func validRange(outSize: Int, size: Int, stride: Int, padding: Int, offset k: Int) -> Range<Int> {
    // o·stride ≥ padding − k  and  o·stride ≤ size − 1 + padding − k.
    let low = padding - k
    let first = low <= 0 ? 0 : (low + stride - 1) / stride
    let high = size - 1 + padding - k
    let last = high < 0 ? -1 : high / stride
    let end = Swift.min(outSize, last + 1)
    return first < end ? first..<end : 0..<0
}

/// dst[0..<n] = src[0..<n], eight elements per step in explicit vectors (no overlap checks).
@inline(__always)
func copyRun<T: SIMDScalar>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ n: Int) {
    var i = 0
    while i + 8 <= n {
        let a = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD4<T>.self)
        let b = UnsafeRawPointer(src + i + 4).loadUnaligned(as: SIMD4<T>.self)
        UnsafeMutableRawPointer(dst + i).storeBytes(of: a, as: SIMD4<T>.self)
        UnsafeMutableRawPointer(dst + i + 4).storeBytes(of: b, as: SIMD4<T>.self)
        i += 8
    }
    if i + 4 <= n {
        UnsafeMutableRawPointer(dst + i).storeBytes(of: UnsafeRawPointer(src + i).loadUnaligned(as: SIMD4<T>.self), as: SIMD4<T>.self)
        i += 4
    }
    while i < n {
        dst[i] = src[i]
        i += 1
    }
}

/// dst[0..<n] += src[0..<n], in explicit vectors.
@inline(__always)
func addRun<T: SIMDScalar & BinaryFloatingPoint>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ n: Int) {
    var i = 0
    while i + 8 <= n {
        let a = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD4<T>.self)
        let b = UnsafeRawPointer(src + i + 4).loadUnaligned(as: SIMD4<T>.self)
        let c = UnsafeRawPointer(dst + i).loadUnaligned(as: SIMD4<T>.self)
        let d = UnsafeRawPointer(dst + i + 4).loadUnaligned(as: SIMD4<T>.self)
        UnsafeMutableRawPointer(dst + i).storeBytes(of: c + a, as: SIMD4<T>.self)
        UnsafeMutableRawPointer(dst + i + 4).storeBytes(of: d + b, as: SIMD4<T>.self)
        i += 8
    }
    while i < n {
        dst[i] += src[i]
        i += 1
    }
}

func cpuIm2col<T: FloatElement & SIMDScalar>(_ x: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, _ g: ConvGeometry, threads: Int) {
    let oh = g.outHeight, ow = g.outWidth
    let columns = g.batch * oh * ow
    let rows = g.channels * g.kernelH * g.kernelW
    let plane = g.height * g.width
    let (strideH, strideW, width) = (g.strideH, g.strideW, g.width)
    CPUParallel.forRanges(rows, grain: Swift.max(1, CPUGrain.elementwise / Swift.max(columns, 1)), threads: threads) { rowRange in
        for row in rowRange {
            let c = row / (g.kernelH * g.kernelW)
            let ki = (row / g.kernelW) % g.kernelH
            let kj = row % g.kernelW
            let xs = validRange(outSize: ow, size: g.width, stride: strideW, padding: g.paddingW, offset: kj)
            let ys = validRange(outSize: oh, size: g.height, stride: strideH, padding: g.paddingH, offset: ki)
            // Input offset of output position (y, 0) for this kernel offset, before adding y·strideH·width.
            let shift = (ki - g.paddingH) * width - g.paddingW + kj
            var dst = cols + row * columns
            if strideW == 1 && xs.count == ow && ys.count == oh {
                // No padding reaches this row (the blitz Net's case): plain runs, nothing to test.
                let pitch = strideH * width
                for n in 0..<g.batch {
                    var src = x + (n * g.channels + c) * plane + shift
                    for _ in 0..<oh {
                        copyRun(src, dst, ow)
                        src += pitch
                        dst += ow
                    }
                }
                continue
            }
            for n in 0..<g.batch {
                let image = x + (n * g.channels + c) * plane + shift
                for y in 0..<oh {
                    if y < ys.lowerBound || y >= ys.upperBound {
                        dst.update(repeating: 0, count: ow)
                    } else {
                        let src = image + y * strideH * width
                        if xs.lowerBound > 0 { dst.update(repeating: 0, count: xs.lowerBound) }
                        if strideW == 1 {
                            copyRun(src + xs.lowerBound, dst + xs.lowerBound, xs.count)
                        } else {
                            for xo in xs { dst[xo] = src[xo * strideW] }
                        }
                        if xs.upperBound < ow { (dst + xs.upperBound).update(repeating: 0, count: ow - xs.upperBound) }
                    }
                    dst += ow
                }
            }
        }
    }
}

func cpuCol2im<T: FloatElement & SIMDScalar>(_ cols: UnsafePointer<T>, _ x: UnsafeMutablePointer<T>, _ g: ConvGeometry, threads: Int) {
    let oh = g.outHeight, ow = g.outWidth
    let columns = g.batch * oh * ow
    let plane = g.height * g.width
    let perChannel = g.kernelH * g.kernelW * columns
    let (strideH, strideW, width) = (g.strideH, g.strideW, g.width)
    CPUParallel.forRanges(g.channels, grain: Swift.max(1, CPUGrain.elementwise / Swift.max(perChannel, 1)), threads: threads) { channels in
        for c in channels {
            for n in 0..<g.batch { (x + (n * g.channels + c) * plane).update(repeating: 0, count: plane) }
            for ki in 0..<g.kernelH {
                let ys = validRange(outSize: oh, size: g.height, stride: strideH, padding: g.paddingH, offset: ki)
                for kj in 0..<g.kernelW {
                    let xs = validRange(outSize: ow, size: g.width, stride: strideW, padding: g.paddingW, offset: kj)
                    let srcRow = cols + ((c * g.kernelH + ki) * g.kernelW + kj) * columns
                    let shift = (ki - g.paddingH) * width - g.paddingW + kj
                    for n in 0..<g.batch {
                        let image = x + (n * g.channels + c) * plane + shift
                        for y in ys {
                            let src = srcRow + (n * oh + y) * ow
                            let dst = image + y * strideH * width
                            if strideW == 1 {
                                addRun(src + xs.lowerBound, dst + xs.lowerBound, xs.count)
                            } else {
                                for xo in xs { dst[xo * strideW] += src[xo] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// PyTorch's rule: the first maximum in the window wins and NaN beats everything.
@inline(__always)
func beats<T: FloatElement>(_ v: T, _ best: T) -> Bool {
    v > best || (v.isNaN && !best.isNaN)
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

/// MaxPool2d(2, 2) without padding (the blitz Net's) on CKernels' AVX2 kernels, planes split
/// over threads; the same values, indices and gradients as `cpuMaxPool` and
/// `cpuMaxPoolBackward`, eight windows per step.
enum VectorMaxPool {
    static func applies(to g: ConvGeometry) -> Bool {
        g.kernelH == 2 && g.kernelW == 2 && g.strideH == 2 && g.strideW == 2 && g.paddingH == 0 && g.paddingW == 0
            && g.height * g.width < Int(Int32.max)
    }

    static func run(_ x: UnsafePointer<Float>, _ values: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<Int64>,
                    _ g: ConvGeometry, threads: Int) {
        forPlanes(g, threads: threads) { first, count, planeIn, planeOut in
            blitz_max_pool_2x2_f32(x + first * planeIn, count, g.height, g.width, values + first * planeOut, indices + first * planeOut)
        }
    }

    /// The backward of `run` (indices must be the ones it chose): every element of `out` written.
    static func backward(_ grad: UnsafePointer<Float>, _ indices: UnsafePointer<Int64>, _ out: UnsafeMutablePointer<Float>,
                         _ g: ConvGeometry, threads: Int) {
        forPlanes(g, threads: threads) { first, count, planeIn, planeOut in
            blitz_max_pool_2x2_backward_f32(grad + first * planeOut, indices + first * planeOut, count, g.height, g.width,
                                            out + first * planeIn)
        }
    }

    /// The batch's planes in ranges over threads: body(first plane, plane count, input plane size, output plane size).
    private static func forPlanes(_ g: ConvGeometry, threads: Int, _ body: (Int, Int, Int, Int) -> Void) {
        let planeIn = g.height * g.width, planeOut = g.outHeight * g.outWidth
        CPUParallel.forRanges(g.batch * g.channels, grain: Swift.max(1, CPUGrain.elementwise / Swift.max(planeIn, 1)),
                              threads: threads) { range in
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
