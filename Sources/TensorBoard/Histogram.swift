/// A tensor's values as a TensorBoard histogram, bucketed the way `SummaryWriter.add_histogram`
/// does by default (`bins="tensorflow"`): fixed bucket edges growing by 10% from ±1e-12 to
/// ±1e20 around 0, the empty buckets at both ends dropped except one on the left (TensorBoard
/// stores only right edges, so that one carries the left edge of the first bucket in use).
public enum Histogram {
    /// −1e20 … −1e-12, 0, 1e-12 … 1e20 (exclusive), each step ×1.1: TensorFlow's default edges.
    public static let defaultEdges: [Double] = {
        var positive: [Double] = []
        var v = 1e-12
        while v < 1e20 {
            positive.append(v)
            v *= 1.1
        }
        return positive.reversed().map { -$0 } + [0] + positive
    }()

    /// The histogram of `values`; nil when there are none (TensorBoard has no empty histogram).
    /// Values outside the edges (beyond ±1e20, or not finite) count in min/max/sum but in no bucket.
    public static func make(_ values: [Double]) -> HistogramProto? {
        guard !values.isEmpty else { return nil }
        let edges = defaultEdges
        var counts = [Double](repeating: 0, count: edges.count - 1)
        var lo = Double.infinity, hi = -Double.infinity, sum = 0.0, squares = 0.0
        for v in values {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
            sum += v
            squares += v * v
            if let bin = bin(of: v, edges: edges) { counts[bin] += 1 }
        }
        guard let first = counts.firstIndex(where: { $0 > 0 }),
              let last = counts.lastIndex(where: { $0 > 0 }) else {
            return HistogramProto(min: lo, max: hi, num: Double(values.count), sum: sum, sumSquares: squares,
                                  bucketLimit: [], bucket: [])
        }
        // Buckets first-1 ... last (one empty bucket on the left), each named by its right edge.
        let bucket: [Double] = first > 0 ? Array(counts[(first - 1)...last]) : [0] + counts[0...last]
        let limits = Array(edges[first...(last + 1)])
        return HistogramProto(min: lo, max: hi, num: Double(values.count), sum: sum, sumSquares: squares,
                              bucketLimit: limits, bucket: bucket)
    }

    /// numpy.histogram's rule: bucket i holds edges[i] ≤ v < edges[i+1]; the last also holds its right edge.
    static func bin(of v: Double, edges: [Double]) -> Int? {
        guard v.isFinite, v >= edges[0], v <= edges[edges.count - 1] else { return nil }
        if v == edges[edges.count - 1] { return edges.count - 2 }
        var low = 0, high = edges.count - 1
        // Invariant: edges[low] ≤ v < edges[high].
        while high - low > 1 {
            let mid = (low + high) / 2
            if edges[mid] <= v { low = mid } else { high = mid }
        }
        return low
    }
}
