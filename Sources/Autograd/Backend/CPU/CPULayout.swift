#if canImport(Glibc)
import Glibc
#endif

/// CPUBackend's data movement: permute and expand. Both only move elements, so one generic
/// version serves every dtype.
///
/// permute first simplifies the problem: dimensions of size 1 go, and input dimensions that
/// stay next to each other in the same order merge. What is left is usually a plain 2-D
/// transpose (Linear's `weight.t()`), a swap of the two outer dimensions that keeps whole rows
/// together (conv's [o, n, h·w] ↔ [n, o, h·w]), or a copy.

/// A permutation reduced to its essentials: input sizes and the order of them in the output.
struct CollapsedPermutation {
    var shape: [Int] = []
    var order: [Int] = []

    init(shape inputShape: [Int], order inputOrder: [Int]) {
        // Drop size-1 dimensions and renumber the rest in input order.
        var renumber = [Int](repeating: -1, count: inputShape.count)
        var next = 0
        for d in 0..<inputShape.count where inputShape[d] != 1 {
            renumber[d] = next
            next += 1
        }
        var kept: [Int] = []
        for d in inputOrder where renumber[d] >= 0 { kept.append(renumber[d]) }
        let keptSizes = inputShape.filter { $0 != 1 }
        // Group output positions whose input dimensions are consecutive and ascending.
        var groups: [(start: Int, size: Int)] = []
        var previous = -2
        for d in kept {
            if d == previous + 1, let last = groups.indices.last {
                groups[last].size *= keptSizes[d]
            } else {
                groups.append((d, keptSizes[d]))
            }
            previous = d
        }
        // Each group is one dimension; input order is the order of their first input dimension.
        let byInput = groups.indices.sorted { groups[$0].start < groups[$1].start }
        var rank = [Int](repeating: 0, count: groups.count)
        for (position, g) in byInput.enumerated() { rank[g] = position }
        shape = byInput.map { groups[$0].size }
        order = groups.indices.map { rank[$0] }
    }
}

/// out[j, i] = x[i, j] for x of rows × cols, in cache-sized tiles of 4×4 register blocks.
@inline(__always)
func transpose2D<T: SIMDScalar>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, rows: Int, cols: Int, threads: Int) {
    let tile = 32
    let tileRows = (rows + tile - 1) / tile
    CPUParallel.forRanges(tileRows, grain: Swift.max(1, CPUGrain.elementwise / Swift.max(cols * tile, 1)), threads: threads) { range in
        for tr in range {
            let i0 = tr * tile, i1 = Swift.min(i0 + tile, rows)
            var j0 = 0
            while j0 < cols {
                let j1 = Swift.min(j0 + tile, cols)
                transposeTile(x, out, rows: rows, cols: cols, i0..<i1, j0..<j1)
                j0 = j1
            }
        }
    }
}

/// One tile: whole 4×4 blocks move as four vector loads, a shuffle and four vector stores.
@inline(__always)
func transposeTile<T: SIMDScalar>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, rows: Int, cols: Int,
                                  _ iRange: Range<Int>, _ jRange: Range<Int>) {
    let iEnd4 = iRange.lowerBound + (iRange.count / 4) * 4
    let jEnd4 = jRange.lowerBound + (jRange.count / 4) * 4
    var i = iRange.lowerBound
    while i < iEnd4 {
        var j = jRange.lowerBound
        while j < jEnd4 {
            let r0 = UnsafeRawPointer(x + i * cols + j).loadUnaligned(as: SIMD4<T>.self)
            let r1 = UnsafeRawPointer(x + (i + 1) * cols + j).loadUnaligned(as: SIMD4<T>.self)
            let r2 = UnsafeRawPointer(x + (i + 2) * cols + j).loadUnaligned(as: SIMD4<T>.self)
            let r3 = UnsafeRawPointer(x + (i + 3) * cols + j).loadUnaligned(as: SIMD4<T>.self)
            UnsafeMutableRawPointer(out + j * rows + i).storeBytes(of: SIMD4(r0[0], r1[0], r2[0], r3[0]), as: SIMD4<T>.self)
            UnsafeMutableRawPointer(out + (j + 1) * rows + i).storeBytes(of: SIMD4(r0[1], r1[1], r2[1], r3[1]), as: SIMD4<T>.self)
            UnsafeMutableRawPointer(out + (j + 2) * rows + i).storeBytes(of: SIMD4(r0[2], r1[2], r2[2], r3[2]), as: SIMD4<T>.self)
            UnsafeMutableRawPointer(out + (j + 3) * rows + i).storeBytes(of: SIMD4(r0[3], r1[3], r2[3], r3[3]), as: SIMD4<T>.self)
            j += 4
        }
        for jj in jEnd4..<jRange.upperBound {
            for ii in i..<(i + 4) { out[jj * rows + ii] = x[ii * cols + jj] }
        }
        i += 4
    }
    for ii in iEnd4..<iRange.upperBound {
        let src = x + ii * cols
        for jj in jRange { out[jj * rows + ii] = src[jj] }
    }
}

func cpuPermute<T: SIMDScalar>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, shape: [Int], order: [Int], threads: Int) {
    let count = Shape.count(shape)
    let p = CollapsedPermutation(shape: shape, order: order)
    let rank = p.shape.count
    if rank <= 1 || p.order == Array(0..<rank) {
        out.update(from: x, count: count)
        return
    }
    if rank == 2 {
        transpose2D(x, out, rows: p.shape[0], cols: p.shape[1], threads: threads)
        return
    }
    if rank == 3 && p.order == [0, 2, 1] {
        let (batch, rows, cols) = (p.shape[0], p.shape[1], p.shape[2])
        for b in 0..<batch { transpose2D(x + b * rows * cols, out + b * rows * cols, rows: rows, cols: cols, threads: threads) }
        return
    }
    let inStrides = Shape.strides(p.shape)
    let outShape = p.order.map { p.shape[$0] }
    let strides = p.order.map { inStrides[$0] }
    if p.order[rank - 1] == rank - 1 {
        // The last dimension stays last: whole runs move with memcpy ([a, b, c] → [b, a, c]).
        let run = p.shape[rank - 1]
        let runs = count / run
        let outerShape = Array(outShape[..<(rank - 1)])
        let outerStrides = Array(strides[..<(rank - 1)])
        CPUParallel.forRanges(runs, grain: Swift.max(1, CPUGrain.elementwise / run), threads: threads) { range in
            var offset = startOffset(range.lowerBound, outerShape, outerStrides)
            var index = unflatten(range.lowerBound, outerShape)
            for r in range {
                (out + r * run).update(from: x + offset, count: run)
                advance(&index, &offset, outerShape, outerStrides)
            }
        }
        return
    }
    // General: output runs along its last dimension, gathering with that dimension's input stride.
    let inner = outShape[rank - 1], innerStride = strides[rank - 1]
    let outerShape = Array(outShape[..<(rank - 1)])
    let outerStrides = Array(strides[..<(rank - 1)])
    var offset = 0
    var index = [Int](repeating: 0, count: rank - 1)
    for r in 0..<(count / inner) {
        let src = x + offset, dst = out + r * inner
        for j in 0..<inner { dst[j] = src[j * innerStride] }
        advance(&index, &offset, outerShape, outerStrides)
    }
}

/// The multi-index of the `flat`-th element of `shape`.
func unflatten(_ flat: Int, _ shape: [Int]) -> [Int] {
    var index = [Int](repeating: 0, count: shape.count)
    var rest = flat
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
        index[d] = rest % shape[d]
        rest /= shape[d]
    }
    return index
}

func startOffset(_ flat: Int, _ shape: [Int], _ strides: [Int]) -> Int {
    let index = unflatten(flat, shape)
    var offset = 0
    for d in 0..<shape.count { offset += index[d] * strides[d] }
    return offset
}

/// Steps a row-major multi-index by one, keeping `offset` = Σ index·stride.
@inline(__always)
func advance(_ index: inout [Int], _ offset: inout Int, _ shape: [Int], _ strides: [Int]) {
    var d = shape.count - 1
    while d >= 0 {
        index[d] += 1
        offset += strides[d]
        if index[d] < shape[d] { return }
        offset -= strides[d] * shape[d]
        index[d] = 0
        d -= 1
    }
}

/// Broadcasts `x` of `shape` to `outShape`.
func cpuExpand<T>(_ x: UnsafePointer<T>, shape: [Int], _ out: UnsafeMutablePointer<T>, outShape: [Int], threads: Int) {
    let n = Shape.count(outShape)
    let xCount = Shape.count(shape)
    if n == 0 { return }
    if xCount == n {
        out.update(from: x, count: n)
    } else if xCount == 1 {
        out.update(repeating: x[0], count: n)
    } else if let inner = BinaryLayout.rowLength(shape, outShape) {
        // A row repeated: [n] → [m, n] (Linear's bias before addmm).
        for r in 0..<(n / inner) { (out + r * inner).update(from: x, count: inner) }
    } else if let inner = BinaryLayout.columnLength(shape, outShape) {
        // Each element fills a row: [o, 1] → [o, k] (conv's bias before the GEMM).
        for r in 0..<(n / inner) { (out + r * inner).update(repeating: x[r], count: inner) }
    } else {
        let strides = BroadcastIndex(from: shape, to: outShape).strides
        let walk = StridedWalk(outShape, strides, [Int](repeating: 0, count: outShape.count))
        walk.run { offset, _, outOffset, count, stride, _ in
            let src = x + offset, dst = out + outOffset
            for j in 0..<count { dst[j] = src[j * stride] }
        }
    }
}
