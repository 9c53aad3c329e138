/// The three messages of a TensorBoard event file that blitz-tui writes, with the field numbers
/// TensorBoard reads (proto/tensorboard_events.proto is the schema; the numbers are TensorFlow's
/// event.proto and summary.proto). Each type encodes itself with ProtobufEncoder.

/// `HistogramProto`: the summary statistics and the buckets (bucket i counts values in
/// (bucketLimit[i-1], bucketLimit[i]]; the first bucket reaches down to -DBL_MAX).
public struct HistogramProto: Sendable, Equatable {
    public var min: Double
    public var max: Double
    public var num: Double
    public var sum: Double
    public var sumSquares: Double
    public var bucketLimit: [Double]
    public var bucket: [Double]

    public init(min: Double, max: Double, num: Double, sum: Double, sumSquares: Double,
                bucketLimit: [Double], bucket: [Double]) {
        self.min = min
        self.max = max
        self.num = num
        self.sum = sum
        self.sumSquares = sumSquares
        self.bucketLimit = bucketLimit
        self.bucket = bucket
    }

    public func encoded() -> [UInt8] {
        var e = ProtobufEncoder()
        e.double(1, min)
        e.double(2, max)
        e.double(3, num)
        e.double(4, sum)
        e.double(5, sumSquares)
        e.packedDoubles(6, bucketLimit)
        e.packedDoubles(7, bucket)
        return e.bytes
    }
}

/// `Summary.Value`: a tag with one value, a scalar (`simple_value`) or a histogram (`histo`).
public struct SummaryValue: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case scalar(Float)
        case histogram(HistogramProto)
    }

    public var tag: String
    public var value: Value

    public init(tag: String, value: Value) {
        self.tag = tag
        self.value = value
    }

    public func encoded() -> [UInt8] {
        var e = ProtobufEncoder()
        e.string(1, tag)
        switch value {
        case .scalar(let v):
            e.float(2, v)
        case .histogram(let h):
            e.message(5, h.encoded())
        }
        return e.bytes
    }
}

/// `Event`: wall time and step, and either the file's version line (the first record of every
/// file) or a `Summary` (a list of values).
public struct Event: Sendable, Equatable {
    public enum What: Sendable, Equatable {
        case fileVersion(String)
        case summary([SummaryValue])
    }

    /// The version line TensorBoard expects in the first record.
    public static let fileVersion = "brain.Event:2"

    public var wallTime: Double
    public var step: Int64
    public var what: What

    public init(wallTime: Double, step: Int64, what: What) {
        self.wallTime = wallTime
        self.step = step
        self.what = what
    }

    public func encoded() -> [UInt8] {
        var e = ProtobufEncoder()
        e.double(1, wallTime)
        e.int64(2, step)
        switch what {
        case .fileVersion(let version):
            e.string(3, version)
        case .summary(let values):
            var summary = ProtobufEncoder()
            for value in values { summary.message(1, value.encoded()) }
            e.message(5, summary.bytes)
        }
        return e.bytes
    }
}
