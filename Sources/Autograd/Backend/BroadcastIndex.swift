/// Row-major index arithmetic for broadcasting, shared by every backend: the reference walks
/// it one element at a time, the CPU and CUDA backends turn its strides into their own loops.

/// Maps a row-major position in a broadcast output shape to an offset into an input whose
/// shape broadcasts to it: dimensions of size 1 (and missing leading ones) get stride 0.
struct BroadcastIndex {
    let strides: [Int]

    init(from shape: [Int], to outShape: [Int]) {
        let own = Shape.strides(shape)
        let lead = outShape.count - shape.count
        var s = [Int](repeating: 0, count: outShape.count)
        for i in 0..<shape.count where shape[i] != 1 {
            s[lead + i] = own[i]
        }
        strides = s
    }

    @inline(__always)
    func offset(_ index: [Int]) -> Int {
        var o = 0
        for d in 0..<index.count {
            o += index[d] * strides[d]
        }
        return o
    }
}

/// A row-major multi-index that steps through a shape.
struct IndexCounter {
    let shape: [Int]
    var index: [Int]

    init(_ shape: [Int]) {
        self.shape = shape
        index = [Int](repeating: 0, count: shape.count)
    }

    @inline(__always)
    mutating func advance() {
        var d = shape.count - 1
        while d >= 0 {
            index[d] += 1
            if index[d] < shape[d] {
                return
            }
            index[d] = 0
            d -= 1
        }
    }
}
