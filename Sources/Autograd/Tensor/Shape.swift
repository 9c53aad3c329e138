/// Shape arithmetic: element counts, contiguous strides and NumPy/PyTorch broadcasting.
public enum Shape {
    /// Number of elements of a shape (1 for a 0-d tensor).
    @inline(__always)
    public static func count(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape { n *= d }
        return n
    }

    /// Row-major strides in elements.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = s
            s *= shape[i]
        }
        return strides
    }

    /// The broadcast shape of two shapes, or nil when they are incompatible.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        if a == b { return a }
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 {
                out[i] = da
            } else if da == 1 {
                out[i] = db
            } else {
                return nil
            }
        }
        return out
    }

    /// Normalises a possibly negative dimension index, as PyTorch does (`dim=-1` is the last).
    public static func normalize(_ dim: Int, rank: Int, op: String) -> Int {
        let r = max(rank, 1)
        let d = dim < 0 ? dim + r : dim
        ensure(d >= 0 && d < r, "\(op): dimension out of range (expected to be in range of [\(-r), \(r - 1)], but got \(dim))")
        return d
    }

    /// Sizes before, along and after one dimension: the (outer, size, inner) view that the
    /// per-dimension kernels (softmax, max, gather) work on.
    public static func split(_ shape: [Int], at dim: Int) -> (outer: Int, size: Int, inner: Int) {
        var outer = 1
        var inner = 1
        for i in 0..<dim { outer *= shape[i] }
        for i in (dim + 1)..<shape.count { inner *= shape[i] }
        return (outer, shape.isEmpty ? 1 : shape[dim], inner)
    }

    /// `[2, 3]` as PyTorch prints a size: `[2, 3]`.
    public static func describe(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}
