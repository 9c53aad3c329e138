/// torch.utils.data.DistributedSampler: which samples one rank of a distributed job takes.
///
/// Every rank draws the same order of the whole data set for an epoch (the order an unsharded
/// DataLoader with the same seed would use), then takes every `replicas`-th index starting at
/// its rank. So one global batch of N·B samples, read in order, is split across the N ranks,
/// and together they see exactly what one process with batch N·B sees.
///
/// As in PyTorch: without `dropLast`, the order is padded with its own first indices up to a
/// multiple of `replicas` (so every rank gets the same number of samples, ⌈count / replicas⌉,
/// and a few samples are seen twice an epoch); with `dropLast`, the tail is dropped instead
/// (⌊count / replicas⌋ each).
public struct DistributedSampler: Sendable, Equatable {
    public let datasetCount: Int
    public let replicas: Int
    public let rank: Int
    public let shuffle: Bool
    public let seed: UInt64
    public let dropLast: Bool

    public init(datasetCount: Int, replicas: Int, rank: Int, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false) {
        ensure(replicas >= 1, "DistributedSampler: num_replicas must be at least 1 (got \(replicas))")
        ensure(rank >= 0 && rank < replicas, "Invalid rank \(rank), rank should be in the interval [0, \(replicas - 1)]")
        ensure(datasetCount >= 0, "DistributedSampler: negative data set size")
        self.datasetCount = datasetCount
        self.replicas = replicas
        self.rank = rank
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
    }

    /// Samples this rank takes per epoch (PyTorch's `num_samples`).
    public var samplesPerRank: Int {
        if dropLast && datasetCount % replicas != 0 {
            return (datasetCount - replicas + replicas - 1) / replicas  // ceil((count − replicas) / replicas)
        }
        return (datasetCount + replicas - 1) / replicas
    }

    /// Samples of all ranks together per epoch (PyTorch's `total_size`).
    public var totalSize: Int { samplesPerRank * replicas }

    /// This rank's data set indices for `epoch`, in the order it visits them.
    public func indices(epoch: Int) -> [Int] {
        var order = DataLoader.order(count: datasetCount, shuffle: shuffle, seed: seed, epoch: epoch)
        if dropLast {
            order = Array(order.prefix(totalSize))
        } else if order.count < totalSize, !order.isEmpty {
            let padding = totalSize - order.count
            var extra: [Int] = []
            while extra.count < padding { extra += order.prefix(padding - extra.count) }
            order += extra
        }
        return Array(stride(from: rank, to: totalSize, by: replicas).map { order[$0] })
    }
}
