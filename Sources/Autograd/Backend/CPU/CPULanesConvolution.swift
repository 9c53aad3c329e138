/// CPUBackend's stride-1 float32 convolution with output channels in the lanes (AVX-512 only),
/// for the convolutions whose planes are too small for the flat correlations.
///
/// The flat correlation (CPUDirectConvolution.swift) puts 16 output positions in a register and
/// computes the wrapped columns too: the blitz Net's conv2 (10×10 outputs at pitch 14) does
/// 144 lanes of work for 100 outputs, in the forward and in the weight gradient. With the 16
/// channels of one position in a register instead (CKernelsLanes.h), only real positions are
/// computed, and a channel count that is a multiple of 16 fills every lane. The price is a
/// transpose per sample: the result comes out channels last ([oh·ow][16V]) and goes back to
/// [o][oh·ow]; both gradients read dY channels last, transposed the other way. The input
/// gradient sums over the output channels in the lanes and adds each register's lanes up at the
/// end (CKernelsLanes.h): a quarter less work than the flat input gradient, which multiplies the
/// whole zero frame around dY.
///
/// `applies` compares the useful share of the lanes both ways: conv2 (16 channels, 100 of 144
/// lanes flat) takes this path; conv1 (6 of 16 lanes here, 784 of 896 flat) keeps the flat one.
enum LanesConvolution {
    static func applies(_ layout: FlatConvolutionLayout, kernels: VectorKernelSet) -> Bool {
        guard kernels.hasLanes else { return false }
        let o = layout.outChannels
        let lanesShare = Double(o) / Double(16 * vectors(o))
        let flatShare = Double(layout.g.outHeight * layout.g.outWidth) / Double(16 * ((layout.positions + 15) / 16))
        return lanesShare > flatShare
    }

    /// Registers of 16 channels per position.
    static func vectors(_ outChannels: Int) -> Int { (outChannels + 15) / 16 }
}

func lanesConv2d(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>,
                 outChannels o: Int, _ g: ConvGeometry, pool: CPUBufferPool, threads: Int, kernels: VectorKernelSet) {
    let layout = FlatConvolutionLayout(g, outChannels: o)
    let vectors = LanesConvolution.vectors(o), lanes = 16 * vectors
    let patch = layout.patch, pixels = g.outHeight * g.outWidth
    withScratch(pool, patch, Int.self) { offsets in
        layout.writeImageOffsets(offsets)
        // wL[r][o] = w[o][r] and the bias, both zero in the lanes past the last channel.
        withZeroedScratch(pool, (patch + 1) * lanes) { wL in
            let biasL = wL + patch * lanes
            for oc in 0..<o {
                for r in 0..<patch { wL[r * lanes + oc] = w[oc * patch + r] }
                if let bias { biasL[oc] = bias[oc] }
            }
            let chunks = CPUParallel.balancedChunkCount(g.batch, grain: layout.grain, threads: threads)
            CPUParallel.forChunks(g.batch, chunks: chunks) { _, samples in
                withZeroedScratch(pool, pixels * lanes + (layout.padded ? layout.imageCount : 0)) { scratch in
                    let channelsLast = scratch, image = scratch + pixels * lanes
                    for n in samples {
                        var source = x + n * layout.inputCount
                        if layout.padded {
                            layout.pad(source, into: image)
                            source = UnsafePointer(image)
                        }
                        kernels.correlateLanes(source, layout.paddedWidth, offsets, patch, wL, vectors, bias == nil ? nil : biasL,
                                               g.outHeight, g.outWidth, channelsLast)
                        kernels.transpose(channelsLast, lanes, pixels, o, out + n * layout.outputCount, pixels)
                    }
                }
            }
        }
    }
}

/// dW (always) and dX (when `gx` is given), both with the channels in the lanes. dY is transposed
/// once per sample, channels last, into rows of ow + 2(kw − 1) positions with kw − 1 zero
/// columns on each side: the weight gradient reads the middle of each row, the input gradient
/// the whole of it (a window that leaves a row reads the zeros). dB (when `gb` is given) as in
/// `directConv2dBackward`: per-chunk row sums of dY, added in chunk order.
func lanesConv2dBackward(_ grad: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                         _ gx: UnsafeMutablePointer<Float>?, _ gw: UnsafeMutablePointer<Float>,
                         _ gb: UnsafeMutablePointer<Float>?, outChannels o: Int, _ g: ConvGeometry,
                         pool: CPUBufferPool, threads: Int, kernels: VectorKernelSet) {
    let layout = FlatConvolutionLayout(g, outChannels: o)
    let vectors = LanesConvolution.vectors(o), lanes = 16 * vectors
    let patch = layout.patch, pixels = g.outHeight * g.outWidth
    let (kh, kw, oh, ow) = (g.kernelH, g.kernelW, g.outHeight, g.outWidth)
    let rows = g.channels * kh
    let imagesCount = layout.padded ? layout.imageCount : 0
    // One sample's dY channels last: oh padded rows, and 4 positions the input gradient may read past them.
    let gradPitch = ow + 2 * (kw - 1), gradCount = (oh * gradPitch + 4) * lanes
    let group = Swift.max(1, Swift.min(4, DirectConvolution.groupBytes / (4 * (gradCount + imagesCount))))
    let chunks = CPUParallel.balancedChunkCount(g.batch, grain: layout.grain, threads: threads)
    withScratch(pool, rows + patch, Int.self) { offsets in
        let rowOffsets = offsets
        for c in 0..<g.channels {
            for ki in 0..<kh { rowOffsets[c * kh + ki] = c * layout.paddedPlane + ki * layout.paddedWidth }
        }
        // wL[r][o] = w[o][r], zero past the last channel: the input gradient's weights.
        withZeroedScratch(pool, gx == nil ? 0 : patch * lanes) { wL in
            if gx != nil {
                for oc in 0..<o {
                    for r in 0..<patch { wL[r * lanes + oc] = w[oc * patch + r] }
                }
            }
            // Each chunk sums its samples' dW channels last ([patch][lanes]); the sums are added in order.
            // The bias partials, one row of o per chunk, follow them.
            let biasOffset = chunks * patch * lanes
            withZeroedScratch(pool, biasOffset + (gb == nil ? 0 : chunks * o)) { partials in
                CPUParallel.forChunks(g.batch, chunks: chunks) { chunk, samples in
                    let dwL = partials + chunk * patch * lanes
                    let dxCount = gx != nil && layout.padded ? layout.imageCount : 0
                    withZeroedScratch(pool, group * (gradCount + imagesCount) + dxCount) { scratch in
                        let gradL = scratch, images = scratch + group * gradCount
                        let paddedGradient = images + group * imagesCount
                        for start in stride(from: samples.lowerBound, to: samples.upperBound, by: group) {
                            let members = start..<Swift.min(start + group, samples.upperBound)
                            for (j, n) in members.enumerated() {
                                // Only the middle columns are written: the zero columns stay zero.
                                for y in 0..<oh {
                                    kernels.transpose(grad + n * layout.outputCount + y * ow, pixels, o, ow,
                                                      gradL + j * gradCount + (y * gradPitch + kw - 1) * lanes, lanes)
                                }
                                if layout.padded { layout.pad(x + n * layout.inputCount, into: images + j * imagesCount) }
                                if gb != nil {
                                    let sums = partials + biasOffset + chunk * o
                                    kernels.rowSumsAdd(grad + n * layout.outputCount, o, pixels, sums)
                                }
                            }
                            let source = layout.padded ? UnsafePointer(images) : x + start * layout.inputCount
                            kernels.correlateLanesWeightGrad(gradL + (kw - 1) * lanes, gradCount, gradPitch, vectors, source,
                                                             layout.padded ? imagesCount : layout.inputCount,
                                                             layout.paddedWidth, rowOffsets, rows, kw, oh, ow, members.count, dwL)
                            guard let gx else { continue }
                            for (j, n) in members.enumerated() {
                                let target = layout.padded ? paddedGradient : gx + n * layout.inputCount
                                kernels.correlateLanesInputGrad(gradL + j * gradCount, gradPitch, vectors, wL, g.channels, kh, kw,
                                                                oh, target, g.height + 2 * g.paddingH, layout.paddedWidth)
                                if layout.padded { layout.crop(paddedGradient, into: gx + n * layout.inputCount) }
                            }
                        }
                    }
                }
                // Chunk by chunk into the first chunk's sums (contiguous, so the loop vectorises; each
                // element still adds the chunks in order), then channels last to [o][patch].
                let partialCount = patch * lanes
                for chunk in 1..<Swift.max(chunks, 1) {
                    let partial = partials + chunk * partialCount
                    for i in 0..<partialCount { partials[i] += partial[i] }
                }
                for oc in 0..<o {
                    for r in 0..<patch { gw[oc * patch + r] = partials[r * lanes + oc] }
                }
                if let gb { sumBiasPartials(partials + biasOffset, chunks: chunks, o, into: gb) }
            }
        }
    }
}
