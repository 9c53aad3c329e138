/// The loss of every step, in bounded memory: the most recent steps exactly, older ones
/// summarised per bucket (how many, min, max, the sum of the finite ones), so a run that goes on
/// for days holds a few hundred kilobytes and the chart over it looks as it would over every value.
///
/// Recent values live in chunks of `chunkSize`, shared between snapshots (appending copies only
/// the short tail). Once more than `exactChunks` chunks are full, the oldest is folded into the
/// buckets; buckets are aligned runs of `bucketSize` steps (bucket i covers steps i·size ..<
/// (i+1)·size, only the last may be partial), and when there are more than `maxBuckets` of them,
/// neighbours merge pairwise and the size doubles. A chart column spans many buckets, so its
/// envelope (min–max) and mean come out as they would from the raw values.
public struct LossHistory: Sendable, Equatable {
    /// One summarised run of steps.
    public struct Bucket: Sendable, Equatable {
        public var count = 0
        /// How many values were finite (fractional in a summary that cuts a bucket).
        public var finiteCount = 0.0
        public var sum = 0.0
        public var min = Double.infinity
        public var max = -Double.infinity
        /// The smallest finite value above zero (what a log-scale axis needs).
        public var minPositive = Double.infinity

        mutating func add(_ v: Double) {
            count += 1
            guard v.isFinite else { return }
            finiteCount += 1
            sum += v
            min = Swift.min(min, v)
            max = Swift.max(max, v)
            if v > 0 { minPositive = Swift.min(minPositive, v) }
        }

        mutating func merge(_ other: Bucket) {
            count += other.count
            finiteCount += other.finiteCount
            sum += other.sum
            min = Swift.min(min, other.min)
            max = Swift.max(max, other.max)
            minPositive = Swift.min(minPositive, other.minPositive)
        }
    }

    /// What a range of steps holds (finite values only in min, max and mean).
    public typealias Summary = Bucket

    public let chunkSize: Int
    public let exactChunks: Int
    public let maxBuckets: Int
    private var chunks: [[Double]] = []
    private var tail: [Double] = []
    private var buckets: [Bucket] = []
    public private(set) var bucketSize = 1
    /// Steps before this index are summarised; from it on they are exact.
    public private(set) var exactStart = 0

    /// - Parameters: `exactSteps`, at least this many of the latest steps are kept exactly
    ///   (65,536 by default: 512 KB); `maxBuckets` bounds the summary of the older ones.
    public init(exactSteps: Int = 65_536, chunkSize: Int = 1024, maxBuckets: Int = 4096) {
        self.chunkSize = Swift.max(1, chunkSize)
        self.exactChunks = Swift.max(1, (exactSteps + self.chunkSize - 1) / self.chunkSize)
        self.maxBuckets = Swift.max(2, maxBuckets)
    }

    public init(_ values: [Double]) {
        self.init()
        for v in values { append(v) }
    }

    public var count: Int { exactStart + (chunks.count * chunkSize) + tail.count }
    public var isEmpty: Bool { count == 0 }
    public var last: Double? { tail.last ?? chunks.last?.last }
    /// The steps whose values are kept exactly (the latest ones).
    public var exactRange: Range<Int> { exactStart..<count }
    /// The buckets the older steps are summarised in (for tests and memory accounting).
    public var bucketCount: Int { buckets.count }

    public mutating func append(_ value: Double) {
        tail.append(value)
        guard tail.count == chunkSize else { return }
        chunks.append(tail)
        tail = []
        tail.reserveCapacity(chunkSize)
        if chunks.count > exactChunks {
            fold(chunks.removeFirst())
        }
    }

    private mutating func fold(_ chunk: [Double]) {
        for v in chunk {
            if buckets.isEmpty || buckets[buckets.count - 1].count == bucketSize {
                buckets.append(Bucket())
            }
            buckets[buckets.count - 1].add(v)
        }
        exactStart += chunk.count
        while buckets.count > maxBuckets {
            var merged: [Bucket] = []
            merged.reserveCapacity((buckets.count + 1) / 2)
            var i = 0
            while i < buckets.count {
                var b = buckets[i]
                if i + 1 < buckets.count { b.merge(buckets[i + 1]) }
                merged.append(b)
                i += 2
            }
            buckets = merged
            bucketSize *= 2
        }
    }

    /// The exact value of step index `i` (which must be in `exactRange`).
    public subscript(i: Int) -> Double {
        precondition(exactRange.contains(i), "LossHistory: step index \(i) is not kept exactly (exact: \(exactRange))")
        let j = i - exactStart
        let c = j / chunkSize
        return c < chunks.count ? chunks[c][j % chunkSize] : tail[j - chunks.count * chunkSize]
    }

    /// The value at `i` as the chart draws it: exact, or the mean of its bucket when summarised.
    public func point(_ i: Int) -> Double {
        if i >= exactStart { return self[i] }
        let b = buckets[i / bucketSize]
        return b.mean
    }

    /// The points of `range`, as an array (what a chart needs for a short visible window).
    public func values(_ range: Range<Int>) -> [Double] {
        range.map { point($0) }
    }

    /// The exact values kept (every value of a run shorter than the exact window).
    public var recent: [Double] { values(exactRange) }

    /// Count, finite count, sum, min, max and smallest positive value over `range`. A bucket cut
    /// by the range's ends counts in proportion to its overlap for the sum and counts, and whole
    /// for the extremes.
    public func summary(_ range: Range<Int>) -> Summary {
        var s = Summary()
        let lower = Swift.max(0, range.lowerBound)
        let upper = Swift.min(count, range.upperBound)
        guard lower < upper else { return s }
        if lower < exactStart {
            let summarisedEnd = Swift.min(upper, exactStart)
            var b = lower / bucketSize
            while b < buckets.count && b * bucketSize < summarisedEnd {
                let bucket = buckets[b]
                let start = b * bucketSize
                let overlap = Swift.min(summarisedEnd, start + bucket.count) - Swift.max(lower, start)
                if overlap > 0 {
                    let fraction = Double(overlap) / Double(bucket.count)
                    s.count += overlap
                    s.finiteCount += bucket.finiteCount * fraction
                    s.sum += bucket.sum * fraction
                    s.min = Swift.min(s.min, bucket.min)
                    s.max = Swift.max(s.max, bucket.max)
                    s.minPositive = Swift.min(s.minPositive, bucket.minPositive)
                }
                b += 1
            }
        }
        if upper > exactStart {
            for i in Swift.max(lower, exactStart)..<upper { s.add(self[i]) }
        }
        return s
    }

    /// The mean of the finite values among the `window` steps ending at `end` (NaN if none).
    public func mean(endingAt end: Int, window: Int) -> Double {
        guard end >= 0, end < count else { return .nan }
        let s = summary(Swift.max(0, end - Swift.max(1, window) + 1)..<(end + 1))
        return s.mean
    }
}

extension LossHistory.Bucket {
    /// The mean of the finite values, NaN when there are none.
    public var mean: Double { finiteCount > 0 ? sum / finiteCount : .nan }
}
