import Dispatch

/// DistributedDataParallel's reducer: after backward, every rank's gradients are replaced by
/// their average over the ranks, so every rank's optimizer takes the same step and the weights
/// stay identical without ever being sent.
///
/// Why the average: each rank's loss is the mean over its own B samples; the mean of those N
/// means is the mean over all N·B samples (the ranks' batches have equal sizes), so the averaged
/// gradient is the gradient one process would get from the whole global batch.
///
/// As PyTorch's, gradients travel in buckets, parameters in reverse order (the order backward
/// produces them: the last layer's first), the first bucket up to 1 MiB and the others up to
/// 25 MiB, one MPI_Allreduce (sum) per bucket. PyTorch starts a bucket's all-reduce while backward
/// is still computing earlier layers; here the buckets go after backward: the blitz Net's 62,006
/// gradients fill one bucket, which leaves nothing to overlap (docs/distributed.md has numbers).
public final class GradientReducer {
    public let group: ProcessGroup
    let parameters: [Tensor]
    /// Parameter indices per bucket, in the order the buckets are reduced.
    public let buckets: [[Int]]

    public static let firstBucketBytes = 1 << 20
    public static let bucketBytes = 25 << 20

    public init(parameters: [Tensor], group: ProcessGroup) {
        self.group = group
        self.parameters = parameters
        buckets = GradientReducer.buckets(byteSizes: parameters.map { $0.numel * MemoryLayout<Float>.size })
    }

    /// Parameter indices per bucket for parameters of `byteSizes`: from the last parameter to the
    /// first, a new bucket whenever the next one would overflow the cap (a parameter larger than
    /// the cap gets a bucket of its own).
    public static func buckets(byteSizes: [Int]) -> [[Int]] {
        var buckets: [[Int]] = []
        var current: [Int] = []
        var bytes = 0
        for index in byteSizes.indices.reversed() {
            let size = byteSizes[index]
            let cap = buckets.isEmpty ? GradientReducer.firstBucketBytes : GradientReducer.bucketBytes
            if !current.isEmpty && bytes + size > cap {
                buckets.append(current)
                current = []
                bytes = 0
            }
            current.append(index)
            bytes += size
        }
        if !current.isEmpty { buckets.append(current) }
        return buckets
    }

    /// What one reduction cost.
    public struct Timing: Sendable, Equatable {
        /// Time inside MPI_Allreduce, summed over the buckets.
        public var allReduceNanoseconds: UInt64
        /// Time packing, averaging and unpacking gradients around the calls.
        public var copyNanoseconds: UInt64
        public var bytes: Int
        public var buckets: Int
    }

    /// Replaces every parameter's gradient with its average over the ranks (a missing gradient
    /// counts as zeros, and gets one). Every rank must call it at the same point.
    @discardableResult
    public func averageGradients() -> Timing {
        var timing = Timing(allReduceNanoseconds: 0, copyNanoseconds: 0, bytes: 0, buckets: buckets.count)
        let scale = 1 / Float(group.worldSize)
        for (b, bucket) in buckets.enumerated() {
            let packStart = DispatchTime.now().uptimeNanoseconds
            var flat: [Float] = []
            flat.reserveCapacity(bucket.reduce(0) { $0 + parameters[$1].numel })
            for index in bucket {
                let p = parameters[index]
                if let grad = p.grad {
                    flat += grad.to(.float32).floats
                } else {
                    flat += [Float](repeating: 0, count: p.numel)
                }
            }
            let reduceStart = DispatchTime.now().uptimeNanoseconds
            group.allReduceSum(&flat, what: "the all-reduce of gradient bucket \(b + 1) of \(buckets.count)")
            let reduceEnd = DispatchTime.now().uptimeNanoseconds
            var offset = 0
            for index in bucket {
                let p = parameters[index]
                var part = Array(flat[offset..<offset + p.numel])
                for i in part.indices { part[i] *= scale }
                offset += p.numel
                let storage = part.withUnsafeBytes { p.backend.upload($0, count: p.numel, dtype: .float32) }
                var grad = Tensor(storage: storage, shape: p.shape)
                if p.dtype != .float32 { grad = grad.to(p.dtype) }
                p.grad = grad
            }
            let unpackEnd = DispatchTime.now().uptimeNanoseconds
            timing.allReduceNanoseconds += reduceEnd - reduceStart
            timing.copyNanoseconds += (reduceStart - packStart) + (unpackEnd - reduceEnd)
            timing.bytes += flat.count * MemoryLayout<Float>.size
        }
        return timing
    }

    /// Rank 0's parameter values on every rank (DDP does this once, when it wraps the model).
    public func broadcastParameters() {
        for p in parameters {
            var bytes = p.rawBytes()
            group.broadcast(&bytes, what: "the broadcast of rank 0's \(p.name ?? "parameters")")
            let storage = bytes.withUnsafeBytes { p.backend.upload($0, count: p.numel, dtype: p.dtype) }
            p.replaceStorage(with: storage)
        }
    }
}
