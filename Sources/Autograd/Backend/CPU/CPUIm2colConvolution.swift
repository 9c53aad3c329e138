/// CPUBackend's fused 2-D convolution: im2col and the GEMMs a block of samples at a time.
///
/// The composed definition (Backend+Conv2dComposed.swift) unfolds the whole batch at once: for the
/// blitz Net at batch 64 that is a 15 MB column matrix, written once and read three times from
/// main memory, which costs more than the arithmetic. Here a block of samples small enough for
/// the L2 cache (≤ 256 KB of columns) is unfolded into scratch memory and used at once, so the
/// columns never leave the cache; each sample's product lands directly in its [o, oh·ow] slice
/// of the output, so no permute is needed either. Backward recomputes the block's columns from
/// the input (as PyTorch's node, it keeps the input, not the columns). Blocks split over
/// threads, each with its own scratch; when there is only one block, its products split instead.

/// How a convolution splits into blocks of samples.
struct ConvBlocking {
    let patch: Int, pixels: Int, samplesPerBlock: Int, blocks: Int
    /// Blocks per chunk so that a chunk holds about a millisecond's worth of multiply-adds or more.
    let grain: Int

    static let scratchBytes = 256 << 10

    init(_ g: ConvGeometry, outChannels: Int, elementSize: Int) {
        patch = g.channels * g.kernelH * g.kernelW
        pixels = g.outHeight * g.outWidth
        samplesPerBlock = Swift.max(1, Swift.min(g.batch, ConvBlocking.scratchBytes / Swift.max(patch * pixels * elementSize, 1)))
        blocks = (g.batch + samplesPerBlock - 1) / samplesPerBlock
        let workPerBlock = Swift.max(outChannels * patch * pixels * samplesPerBlock, 1)
        grain = Swift.max(1, (1 << 20) / workPerBlock)
    }

    func samples(in block: Int, of batch: Int) -> Range<Int> {
        let start = block * samplesPerBlock
        return start..<Swift.min(start + samplesPerBlock, batch)
    }
}

/// Scratch memory for one chunk, from the backend's block cache.
@inline(__always)
func withScratch<T, R>(_ pool: CPUBufferPool, _ count: Int, _ type: T.Type, _ body: (UnsafeMutablePointer<T>) -> R) -> R {
    let bytes = Swift.max(count, 1) * MemoryLayout<T>.stride
    let raw = pool.allocate(byteCount: bytes)
    defer { pool.release(raw, byteCount: bytes) }
    return body(raw.bindMemory(to: T.self, capacity: Swift.max(count, 1)))
}

func cpuConv2d<T: BLASElement & SIMDScalar>(_ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ bias: UnsafePointer<T>?, _ out: UnsafeMutablePointer<T>,
                               outChannels o: Int, _ g: ConvGeometry, pool: CPUBufferPool, threads: Int,
                               wide: Bool = false) {
    let b = ConvBlocking(g, outChannels: o, elementSize: MemoryLayout<T>.stride)
    let (patch, pixels) = (b.patch, b.pixels)
    let inPlane = g.channels * g.height * g.width
    let inner = CPUParallel.chunkCount(b.blocks, grain: b.grain, threads: threads) > 1 ? 1 : threads
    CPUParallel.forRanges(b.blocks, grain: b.grain, threads: threads) { blockRange in
        withScratch(pool, patch * b.samplesPerBlock * pixels, T.self) { cols in
            for block in blockRange {
                let samples = b.samples(in: block, of: g.batch)
                var sub = g
                sub.batch = samples.count
                cpuIm2col(x + samples.lowerBound * inPlane, cols, sub, threads: 1)
                let ld = samples.count * pixels
                for (j, n) in samples.enumerated() {
                    let y = out + n * o * pixels
                    if let bias {
                        for oc in 0..<o { (y + oc * pixels).update(repeating: bias[oc], count: pixels) }
                    }
                    CPUGemm.multiply(false, false, o, pixels, patch, alpha: 1, w, patch, cols + j * pixels, ld,
                                     beta: bias == nil ? 0 : 1, y, pixels, threads: inner, wide: wide)
                }
            }
        }
    }
}

/// dW (always), dX (when `gx` is given); dB is a plain sum the caller takes.
func cpuConv2dBackward<T: BLASElement & SIMDScalar>(_ grad: UnsafePointer<T>, _ x: UnsafePointer<T>, _ w: UnsafePointer<T>,
                                       _ gx: UnsafeMutablePointer<T>?, _ gw: UnsafeMutablePointer<T>,
                                       outChannels o: Int, _ g: ConvGeometry, pool: CPUBufferPool, threads: Int,
                                       wide: Bool = false) {
    let b = ConvBlocking(g, outChannels: o, elementSize: MemoryLayout<T>.stride)
    let (patch, pixels) = (b.patch, b.pixels)
    let inPlane = g.channels * g.height * g.width
    let weightCount = o * patch
    if g.batch == 0 {
        gw.update(repeating: 0, count: weightCount)
        return
    }
    let chunks = CPUParallel.chunkCount(b.blocks, grain: b.grain, threads: threads)
    let inner = chunks > 1 ? 1 : threads
    var one = g
    one.batch = 1
    let single = one
    // Chunk 0 accumulates dW in place; the others into partial sums added at the end, in order.
    withScratch(pool, (chunks - 1) * weightCount, T.self) { partials in
        CPUParallel.forChunks(b.blocks, chunks: chunks) { chunk, blockRange in
            let dw = chunk == 0 ? gw : partials + (chunk - 1) * weightCount
            withScratch(pool, patch * b.samplesPerBlock * pixels + (gx == nil ? 0 : patch * pixels), T.self) { scratch in
                let cols = scratch, gcols = scratch + patch * b.samplesPerBlock * pixels
                var first = true
                for block in blockRange {
                    let samples = b.samples(in: block, of: g.batch)
                    var sub = g
                    sub.batch = samples.count
                    cpuIm2col(x + samples.lowerBound * inPlane, cols, sub, threads: 1)
                    let ld = samples.count * pixels
                    for (j, n) in samples.enumerated() {
                        let gy = grad + n * o * pixels
                        // dW += dY_n [o, pixels] · cols_nᵀ [pixels, patch]
                        CPUGemm.multiply(false, true, o, patch, pixels, alpha: 1, gy, pixels, cols + j * pixels, ld,
                                         beta: first ? 0 : 1, dw, patch, threads: inner, wide: wide)
                        first = false
                        if let gx {
                            // dcols_n = Wᵀ [patch, o] · dY_n [o, pixels], folded back onto sample n.
                            CPUGemm.multiply(true, false, patch, pixels, o, alpha: 1, w, patch, gy, pixels, beta: 0, gcols, pixels, threads: inner,
                                             wide: wide)
                            cpuCol2im(gcols, gx + n * inPlane, single, threads: 1)
                        }
                    }
                }
            }
        }
        for chunk in 1..<Swift.max(chunks, 1) {
            let partial = partials + (chunk - 1) * weightCount
            for i in 0..<weightCount { gw[i] += partial[i] }
        }
    }
}
