import CKernels

/// CPUBackend's float32 stride-1 convolution on CKernels' AVX2/FMA or AVX-512 kernels, with no im2col.
///
/// The im2col path (CPUIm2colConvolution.swift) copies every input element kh·kw times into a column
/// matrix, and OpenBLAS then copies that matrix again into its packed panels before it
/// multiplies a 6-row weight by it: for the blitz Net most of a step went into those copies,
/// not into arithmetic. Here each sample is read in place.
///
/// With every plane laid out row after row at a pitch of Wp (the padded width), the input under
/// kernel offset (c, ki, kj) for output position p = y·Wp + x is `image[c·plane + ki·Wp + kj + p]`,
/// so the whole convolution is one "flat correlation" over p with a table of patch offsets
/// (CKernels.h). Positions with x ≥ ow are computed and thrown away (the kw − 1 columns where
/// a window would wrap onto the next row); that is 12% of the blitz Net's first layer.
///
/// - forward: out[o][p] = bias[o] + Σ_(c,ki,kj) w[o][c][ki][kj] · image[offset + p], then each
///   row's first ow values are copied into the output.
/// - weight gradient: dW[o][c][ki][kj] = Σ_n Σ_p dY'[o][p] · image[offset + p], where dY' is dY
///   laid out at the same pitch with zeros in the wrapped columns.
/// - input gradient: dX[c][q] = Σ_(o,ki,kj) w[o][c][ki][kj] · dY'[o][q − ki·Wp − kj], the same
///   forward kernel with negative offsets into dY' framed by zeros (the wrapped columns are
///   exactly what makes a window that leaves a row read zeros).
/// Padding is a zero frame copied around each sample (and cropped off dX), so every geometry
/// with stride 1 takes this path; other strides and float64 keep the im2col path.
enum DirectConvolution {
    static func applies(to g: ConvGeometry) -> Bool {
        g.strideH == 1 && g.strideW == 1 && g.batch > 0 && g.outHeight > 0 && g.outWidth > 0
    }

    /// Samples per chunk so that a chunk holds at least ~2²¹ multiply-adds (~50 µs).
    static let grainWork = 1 << 21
    /// Scratch for one weight-gradient call's group of samples.
    static let groupBytes = 256 << 10
}

/// Where everything sits in the flat layout of one convolution.
struct FlatConvolutionLayout {
    let g: ConvGeometry
    let outChannels: Int
    let paddedWidth: Int
    /// Hp·Wp, and a sample's padded image (c·Hp·Wp).
    let paddedPlane: Int, imageCount: Int
    /// c·kh·kw.
    let patch: Int
    /// Output positions computed per plane: the last one is (oh − 1)·Wp + ow − 1.
    let positions: Int
    /// Zeros in front of each dY' plane, so that q − ki·Wp − kj never goes below it (a multiple of 16).
    let gradFront: Int
    /// One dY' plane: front zeros, oh rows at pitch Wp, then kh − 1 rows of zeros and up to 15
    /// more (a multiple of 16).
    let gradPlane: Int
    var padded: Bool { g.paddingH > 0 || g.paddingW > 0 }

    init(_ g: ConvGeometry, outChannels: Int) {
        self.g = g
        self.outChannels = outChannels
        paddedWidth = g.width + 2 * g.paddingW
        paddedPlane = (g.height + 2 * g.paddingH) * paddedWidth
        imageCount = g.channels * paddedPlane
        patch = g.channels * g.kernelH * g.kernelW
        positions = (g.outHeight - 1) * paddedWidth + g.outWidth
        // Both rounded up to whole 64-byte lines, so that the weight gradient's loads of dY' are aligned.
        gradFront = (((g.kernelH - 1) * paddedWidth + g.kernelW - 1) + 15) & ~15
        gradPlane = (gradFront + (g.outHeight + g.kernelH - 1) * paddedWidth + 15) & ~15
    }

    var inputCount: Int { g.channels * g.height * g.width }
    var outputCount: Int { outChannels * g.outHeight * g.outWidth }

    /// Samples per parallel chunk.
    var grain: Int { Swift.max(1, DirectConvolution.grainWork / Swift.max(outChannels * patch * positions, 1)) }

    /// offsets[(c·kh + ki)·kw + kj] = c·Hp·Wp + ki·Wp + kj: the forward and weight-gradient table.
    func writeImageOffsets(_ offsets: UnsafeMutablePointer<Int>) {
        var r = 0
        for c in 0..<g.channels {
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    offsets[r] = c * paddedPlane + ki * paddedWidth + kj
                    r += 1
                }
            }
        }
    }

    /// offsets[(o·kh + ki)·kw + kj] = o·gradPlane − ki·Wp − kj: the input-gradient table,
    /// relative to the first element after a dY' plane's front zeros.
    func writeGradOffsets(_ offsets: UnsafeMutablePointer<Int>) {
        var r = 0
        for o in 0..<outChannels {
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    offsets[r] = o * gradPlane - ki * paddedWidth - kj
                    r += 1
                }
            }
        }
    }

    /// wG[(o, ki, kj)][c] = w[o][c][ki][kj]: the weights of the input gradient's correlation.
    func writeGradWeights(_ w: UnsafePointer<Float>, into wG: UnsafeMutablePointer<Float>) {
        let k = g.kernelH * g.kernelW
        for oc in 0..<outChannels {
            for c in 0..<g.channels {
                for i in 0..<k { wG[(oc * k + i) * g.channels + c] = w[(oc * g.channels + c) * k + i] }
            }
        }
    }

    /// The first interior element of a padded image.
    private var interior: Int { g.paddingH * paddedWidth + g.paddingW }

    /// Copies one sample into the interior of a zero-framed image (the frame is never written).
    func pad(_ x: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        copyRows(x, plane: g.height * g.width, pitch: g.width, to: image + interior, plane: paddedPlane, pitch: paddedWidth,
                 planes: g.channels, rows: g.height, width: g.width)
    }

    /// The inverse of `pad`: a padded image's interior into a plain sample.
    func crop(_ image: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>) {
        copyRows(image + interior, plane: paddedPlane, pitch: paddedWidth, to: x, plane: g.height * g.width, pitch: g.width,
                 planes: g.channels, rows: g.height, width: g.width)
    }

    /// One sample's dY [o, oh, ow] into dY' (rows at pitch Wp after the front zeros); the wrapped
    /// columns, the front and the back are zero from the start and never written.
    func spread(_ grad: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>) {
        let (oh, ow) = (g.outHeight, g.outWidth)
        copyRows(grad, plane: oh * ow, pitch: ow, to: planes + gradFront, plane: gradPlane, pitch: paddedWidth,
                 planes: outChannels, rows: oh, width: ow)
    }

    /// Flat results [o, positions] at pitch Wp into one sample's output [o, oh, ow].
    func compact(_ flat: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let (oh, ow) = (g.outHeight, g.outWidth)
        copyRows(flat, plane: positions, pitch: paddedWidth, to: out, plane: oh * ow, pitch: ow,
                 planes: outChannels, rows: oh, width: ow)
    }
}

/// `planes` planes of `rows` rows of `width` elements, from one plane size and row pitch to
/// another: padding, cropping and both re-layouts of the flat form are all this copy.
private func copyRows(_ source: UnsafePointer<Float>, plane sourcePlane: Int, pitch sourcePitch: Int,
                      to target: UnsafeMutablePointer<Float>, plane targetPlane: Int, pitch targetPitch: Int,
                      planes: Int, rows: Int, width: Int) {
    for p in 0..<planes {
        for y in 0..<rows {
            copyRun(source + p * sourcePlane + y * sourcePitch, target + p * targetPlane + y * targetPitch, width)
        }
    }
}

/// Zeroed scratch memory from the backend's block cache.
@inline(__always)
func withZeroedScratch<R>(_ pool: CPUBufferPool, _ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
    withScratch(pool, count, Float.self) { scratch in
        scratch.update(repeating: 0, count: Swift.max(count, 1))
        return body(scratch)
    }
}

func directConv2d(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>,
                  outChannels o: Int, _ g: ConvGeometry, pool: CPUBufferPool, threads: Int, kernels: VectorKernelSet) {
    let layout = FlatConvolutionLayout(g, outChannels: o)
    let patch = layout.patch
    withScratch(pool, patch, Int.self) { offsets in
        layout.writeImageOffsets(offsets)
        withScratch(pool, patch * o, Float.self) { wT in
            // wT[r][o] = w[o][r]: the kernel broadcasts the weights of one offset for all outputs.
            for oc in 0..<o {
                for r in 0..<patch { wT[r * o + oc] = w[oc * patch + r] }
            }
            let chunks = CPUParallel.balancedChunkCount(g.batch, grain: layout.grain, threads: threads)
            CPUParallel.forChunks(g.batch, chunks: chunks) { _, samples in
                withZeroedScratch(pool, o * layout.positions + (layout.padded ? layout.imageCount : 0)) { scratch in
                    let flat = scratch, image = scratch + o * layout.positions
                    for n in samples {
                        var source = x + n * layout.inputCount
                        if layout.padded {
                            layout.pad(source, into: image)
                            source = UnsafePointer(image)
                        }
                        kernels.correlate(source, offsets, patch, wT, bias, o, flat, layout.positions, layout.positions)
                        layout.compact(flat, into: out + n * layout.outputCount)
                    }
                }
            }
        }
    }
}

/// dW (always), dX (when `gx` is given) and dB (when `gb` is given: each chunk sums its samples'
/// dY rows while they are in cache, and the chunks' sums are added in order).
func directConv2dBackward(_ grad: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                          _ gx: UnsafeMutablePointer<Float>?, _ gw: UnsafeMutablePointer<Float>,
                          _ gb: UnsafeMutablePointer<Float>?, outChannels o: Int, _ g: ConvGeometry,
                          pool: CPUBufferPool, threads: Int, kernels: VectorKernelSet) {
    let layout = FlatConvolutionLayout(g, outChannels: o)
    let patch = layout.patch, gradPatch = o * g.kernelH * g.kernelW
    let weightCount = o * patch
    let planesCount = o * layout.gradPlane
    let imagesCount = layout.padded ? layout.imageCount : 0
    let group = Swift.max(1, Swift.min(4, DirectConvolution.groupBytes / (4 * (planesCount + imagesCount))))
    let chunks = CPUParallel.balancedChunkCount(g.batch, grain: layout.grain, threads: threads)
    let pixels = g.outHeight * g.outWidth
    gw.update(repeating: 0, count: weightCount)
    withScratch(pool, patch + gradPatch, Int.self) { offsets in
        let imageOffsets = offsets, gradOffsets = offsets + patch
        layout.writeImageOffsets(imageOffsets)
        layout.writeGradOffsets(gradOffsets)
        withScratch(pool, gx == nil ? 0 : weightCount, Float.self) { wG in
            if gx != nil { layout.writeGradWeights(w, into: wG) }
            // Chunk 0 accumulates dW in place; the others into partial sums added at the end, in order.
            // The bias partials, one row of o per chunk, follow them.
            let biasOffset = (chunks - 1) * weightCount
            withZeroedScratch(pool, biasOffset + (gb == nil ? 0 : chunks * o)) { partials in
                CPUParallel.forChunks(g.batch, chunks: chunks) { chunk, samples in
                    let dw = chunk == 0 ? gw : partials + (chunk - 1) * weightCount
                    let dxCount = gx != nil && layout.padded ? layout.imageCount : 0
                    withZeroedScratch(pool, group * (planesCount + imagesCount) + dxCount) { scratch in
                        let planes = scratch, images = scratch + group * planesCount
                        let paddedGradient = images + group * imagesCount
                        for start in stride(from: samples.lowerBound, to: samples.upperBound, by: group) {
                            let members = start..<Swift.min(start + group, samples.upperBound)
                            for (j, n) in members.enumerated() {
                                layout.spread(grad + n * layout.outputCount, into: planes + j * planesCount)
                                if gb != nil {
                                    let sums = partials + biasOffset + chunk * o
                                    kernels.rowSumsAdd(grad + n * layout.outputCount, o, pixels, sums)
                                }
                                if layout.padded { layout.pad(x + n * layout.inputCount, into: images + j * imagesCount) }
                            }
                            let source = layout.padded ? UnsafePointer(images) : x + start * layout.inputCount
                            kernels.correlateWeightGrad(planes + layout.gradFront, layout.gradPlane, planesCount, o,
                                                        source, layout.padded ? imagesCount : layout.inputCount,
                                                        imageOffsets, patch, layout.positions, members.count, dw)
                            guard let gx else { continue }
                            for (j, n) in members.enumerated() {
                                let target = layout.padded ? paddedGradient : gx + n * layout.inputCount
                                kernels.correlate(planes + j * planesCount + layout.gradFront, gradOffsets, gradPatch, wG, nil,
                                                  g.channels, target, layout.paddedPlane, layout.paddedPlane)
                                if layout.padded { layout.crop(paddedGradient, into: gx + n * layout.inputCount) }
                            }
                        }
                    }
                }
                for chunk in 1..<Swift.max(chunks, 1) {
                    let partial = partials + (chunk - 1) * weightCount
                    for i in 0..<weightCount { gw[i] += partial[i] }
                }
                if let gb { sumBiasPartials(partials + biasOffset, chunks: chunks, o, into: gb) }
            }
        }
    }
}

/// dB[o] = the chunks' partial sums [chunks][o] added in chunk order.
func sumBiasPartials(_ partials: UnsafePointer<Float>, chunks: Int, _ o: Int, into gb: UnsafeMutablePointer<Float>) {
    for oc in 0..<o {
        var sum = partials[oc]
        for chunk in 1..<Swift.max(chunks, 1) { sum += partials[chunk * o + oc] }
        gb[oc] = sum
    }
}
