/// What the Distributions page shows, sampled on the trainer's queue every few steps and
/// published as values: for each parameter, its weights' and its gradient's distribution over
/// time as TensorBoard's "distributions" view draws it (nine percentiles per sample: min, the
/// ±1σ/±2σ/±3σ-equivalent percentiles of a normal distribution, median, max) and the latest
/// histogram; for each layer feeding a ReLU, the fraction of its units that were dead (≤ 0 for
/// every sample of the batch, so ReLU passed no gradient back through them).
public struct DistributionHistory: Sendable, Equatable {
    /// TensorBoard's percentiles for the distributions view (its basis points / 100).
    public static let percentiles: [Double] = [0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100]
    /// Samples kept per series; older ones are thinned (every second one dropped) beyond this.
    public static let capacity = 256

    /// The nine percentiles of one tensor at one step.
    public struct Point: Sendable, Equatable {
        public var step: Int
        public var values: [Double]

        public init(step: Int, values: [Double]) {
            self.step = step
            self.values = values
        }
    }

    /// Equal-width buckets from `lower` to `upper`.
    public struct Bins: Sendable, Equatable {
        public var step: Int
        public var lower: Double
        public var upper: Double
        public var counts: [Int]

        public init(step: Int, lower: Double, upper: Double, counts: [Int]) {
            self.step = step
            self.lower = lower
            self.upper = upper
            self.counts = counts
        }
    }

    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var weights: [Point] = []
        public var grads: [Point] = []
        public var weightHistogram: Bins?
        public var gradHistogram: Bins?

        public init(name: String) {
            self.name = name
        }
    }

    public struct DeadUnits: Sendable, Equatable {
        public var layer: String
        /// Units per sample (out_features, or channels × height × width).
        public var units: Int
        public var points: [(step: Int, fraction: Double)] {
            zip(steps, fractions).map { ($0, $1) }
        }
        public var steps: [Int] = []
        public var fractions: [Double] = []

        public init(layer: String, units: Int) {
            self.layer = layer
            self.units = units
        }
    }

    public var every: Int
    public var parameters: [Parameter]
    public var deadUnits: [DeadUnits] = []

    public init(every: Int, parameterNames: [String]) {
        self.every = every
        parameters = parameterNames.map(Parameter.init(name:))
    }

    /// Keeps at most `capacity` samples, dropping every second old one so the whole run stays in view.
    static func thin<T>(_ values: inout [T]) {
        guard values.count > capacity else { return }
        values = values.enumerated().filter { $0.offset % 2 == 0 || $0.offset >= values.count - capacity / 4 }.map(\.element)
    }
}

extension DistributionHistory {
    /// The percentiles and a `binCount`-bucket histogram of `values`, in one pass for the range,
    /// one to bucket, and a fine bucketing to interpolate the percentiles (O(n), no sort), as
    /// TensorBoard also derives its percentiles from buckets.
    public static func summarise(_ values: [Double], step: Int, binCount: Int = 24) -> (Point, Bins)? {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return nil }
        let fineCount = 2048
        var fine = [Int](repeating: 0, count: fineCount)
        var coarse = [Int](repeating: 0, count: binCount)
        // Halves, so that a range wider than the largest Double (±1.7e308) still divides.
        let half = hi / 2 - lo / 2
        for v in finite {
            let t = half > 0 ? (v / 2 - lo / 2) / half : 0
            fine[min(fineCount - 1, Int(t * Double(fineCount)))] += 1
            coarse[min(binCount - 1, Int(t * Double(binCount)))] += 1
        }
        var result: [Double] = []
        let total = Double(finite.count)
        var cumulative = 0
        var bucket = 0
        for p in percentiles {
            if p <= 0 { result.append(lo); continue }
            if p >= 100 { result.append(hi); continue }
            let target = p / 100 * total
            while bucket < fineCount - 1 && Double(cumulative + fine[bucket]) < target {
                cumulative += fine[bucket]
                bucket += 1
            }
            // Linear within the bucket that holds the target rank.
            let inBucket = fine[bucket] > 0 ? (target - Double(cumulative)) / Double(fine[bucket]) : 0
            let fraction = (Double(bucket) + min(1, max(0, inBucket))) / Double(fineCount)
            let value = (lo / 2 + fraction * half) * 2
            result.append(min(hi, max(lo, value)))
        }
        return (Point(step: step, values: result), Bins(step: step, lower: lo, upper: hi, counts: coarse))
    }
}
