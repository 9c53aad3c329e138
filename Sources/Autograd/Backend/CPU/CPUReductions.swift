/// CPUBackend's sums. A sum over dimensions becomes one or more (outer, mid, inner) reductions
/// of a contiguous block of dimensions: rows summed down (a bias gradient, `sumTo`), each row
/// summed across (conv's bias gradient, a loss), or a middle block. Sums across a row use
/// eight running partial sums, which lets the loop vectorise and rounds no worse than one
/// running sum.

/// Σ p[0..<n] with eight partial sums.
@inline(__always)
func horizontalSum<T: Numeric>(_ p: UnsafePointer<T>, _ n: Int) -> T {
    var s0: T = 0, s1: T = 0, s2: T = 0, s3: T = 0, s4: T = 0, s5: T = 0, s6: T = 0, s7: T = 0
    var i = 0
    while i + 8 <= n {
        s0 += p[i]
        s1 += p[i + 1]
        s2 += p[i + 2]
        s3 += p[i + 3]
        s4 += p[i + 4]
        s5 += p[i + 5]
        s6 += p[i + 6]
        s7 += p[i + 7]
        i += 8
    }
    var tail: T = 0
    while i < n {
        tail += p[i]
        i += 1
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) + tail
}

/// out[o, i] = Σ_m x[o, m, i] for x of shape (outer, mid, inner).
/// float32 with AVX-512 (`kernels`) sums each chunk of columns in sum_middle_avx512.c: the same
/// sums in the same order, their accumulators in registers.
func reduceMiddle<T: Numeric>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, outer: Int, mid: Int, inner: Int,
                              kernels: VectorKernelSet?, threads: Int) {
    let grain = CPUGrain.elementwise
    if inner == 1 {
        CPUParallel.forRanges(outer, grain: Swift.max(1, grain / Swift.max(mid, 1)), threads: threads) { rows in
            for o in rows { out[o] = horizontalSum(x + o * mid, mid) }
        }
        return
    }
    // Each column range accumulates its own slice of every output row, so chunks never share outputs.
    let columnsPerChunk = Swift.max(1, grain / Swift.max(outer * mid, 1))
    if T.self == Float.self, let kernels, kernels.hasSumMiddle {
        let xf = UnsafeRawPointer(x).assumingMemoryBound(to: Float.self)
        let of = UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self)
        CPUParallel.forRanges(inner, grain: columnsPerChunk, threads: threads) { columns in
            kernels.sumMiddle(xf + columns.lowerBound, of + columns.lowerBound, outer, mid, inner, columns.count)
        }
        return
    }
    CPUParallel.forRanges(inner, grain: columnsPerChunk, threads: threads) { columns in
        for o in 0..<outer {
            let po = out + o * inner
            let block = x + o * mid * inner
            for i in columns { po[i] = 0 }
            for m in 0..<mid {
                let row = block + m * inner
                for i in columns { po[i] += row[i] }
            }
        }
    }
}

/// Sums `x` of `shape` over `dims` into `out` (the reduced dimensions kept as size 1).
///
/// The dimensions are first merged into segments of consecutive dimensions that are all reduced
/// or all kept (sizes of 1 dropped). A single reduced segment is one (outer, mid, inner)
/// reduction; several are reduced last one first through a scratch buffer. The segments live in
/// stack scratch: a bias gradient (the MLP's every layer) sums here once per step, and the arrays
/// the segments used to be cost it eight allocations.
func cpuSum<T: Numeric>(_ x: UnsafePointer<T>, shape: [Int], dims: [Int], _ out: UnsafeMutablePointer<T>,
                        kernels: VectorKernelSet? = nil, threads: Int) {
    withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(1, shape.count)) { sizes in
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: Swift.max(1, shape.count)) { reduced in
            var segments = 0
            for d in 0..<shape.count where shape[d] != 1 {
                let r = dims.contains(d)
                if segments > 0 && reduced[segments - 1] == r {
                    sizes[segments - 1] *= shape[d]
                } else {
                    sizes[segments] = shape[d]
                    reduced[segments] = r
                    segments += 1
                }
            }
            sumSegments(x, sizes: UnsafeBufferPointer(rebasing: sizes[..<segments]),
                        reduced: UnsafeBufferPointer(rebasing: reduced[..<segments]), out, kernels: kernels,
                        threads: threads)
        }
    }
}

/// `cpuSum` over merged segments (`sizes`, with `reduced` saying which are summed).
private func sumSegments<T: Numeric>(_ x: UnsafePointer<T>, sizes: UnsafeBufferPointer<Int>,
                                     reduced: UnsafeBufferPointer<Bool>, _ out: UnsafeMutablePointer<T>,
                                     kernels: VectorKernelSet?, threads: Int) {
    var total = 1
    for size in sizes { total *= size }
    guard let lastReduced = reduced.lastIndex(of: true) else {
        out.update(from: x, count: total)
        return
    }
    var outer = 1, inner = 1
    for i in 0..<lastReduced { outer *= sizes[i] }
    for i in (lastReduced + 1)..<sizes.count { inner *= sizes[i] }
    if reduced.firstIndex(of: true) == lastReduced {
        // One block: a single (outer, mid, inner) reduction.
        reduceMiddle(x, out, outer: outer, mid: sizes[lastReduced], inner: inner, kernels: kernels, threads: threads)
        return
    }
    // Several blocks: reduce the last one into a scratch buffer, then the rest from there (the
    // last block, now of size 1, drops out).
    let scratch = UnsafeMutablePointer<T>.allocate(capacity: outer * inner)
    defer { scratch.deallocate() }
    reduceMiddle(x, scratch, outer: outer, mid: sizes[lastReduced], inner: inner, kernels: kernels, threads: threads)
    var rest = Array(sizes)
    rest[lastReduced] = 1
    let restDims = reduced.indices.filter { reduced[$0] && $0 != lastReduced }
    cpuSum(UnsafePointer(scratch), shape: rest, dims: restDims, out, kernels: kernels, threads: threads)
}

/// Σ x² in Double, eight partial sums (the gradient norms of the snapshot).
func cpuSumOfSquares<T: BinaryFloatingPoint>(_ p: UnsafePointer<T>, _ n: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
    var i = 0
    while i + 8 <= n {
        let v0 = Double(p[i]), v1 = Double(p[i + 1]), v2 = Double(p[i + 2]), v3 = Double(p[i + 3])
        let v4 = Double(p[i + 4]), v5 = Double(p[i + 5]), v6 = Double(p[i + 6]), v7 = Double(p[i + 7])
        s0 += v0 * v0
        s1 += v1 * v1
        s2 += v2 * v2
        s3 += v3 * v3
        s4 += v4 * v4
        s5 += v5 * v5
        s6 += v6 * v6
        s7 += v7 * v7
        i += 8
    }
    var tail = 0.0
    while i < n {
        let v = Double(p[i])
        tail += v * v
        i += 1
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) + tail
}
