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
