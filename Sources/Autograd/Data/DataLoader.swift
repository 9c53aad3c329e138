/// torch.utils.data.DataLoader: cuts a data set into mini-batches, in order or in a seeded random
/// order that changes every epoch, and (by default) assembles the next batches on a background
/// queue while the training loop is busy with the current one.
///
/// Determinism: epoch `e`'s order depends only on (seed, e): a RandomGenerator seeded by the seed
/// hands out one seed per epoch, and that epoch's permutation is drawn from a generator seeded
/// with it. The producer builds batches in that order, so what the consumer sees is the same
/// with or without prefetch, however the threads are scheduled.
///
/// The loader itself is an immutable Sendable value; each `epoch(_:)` returns a fresh iterator
/// that owns its prefetch thread and stops it when it is dropped (see DataLoader+Prefetch.swift).
public struct DataLoader: Sendable {
    public let dataset: any Dataset
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64
    public let dropLast: Bool
    /// Batches assembled ahead of the consumer (PyTorch's prefetch_factor); 0 assembles each
    /// batch on the consumer's thread when it is asked for.
    public let prefetch: Int
    /// In a distributed job, the share of each epoch this rank takes (then `shuffle` and
    /// `seed` are the sampler's).
    public let sampler: DistributedSampler?

    public init(
        _ dataset: any Dataset, batchSize: Int = 1, shuffle: Bool = false, seed: UInt64 = 0,
        dropLast: Bool = false, prefetch: Int = 2, sampler: DistributedSampler? = nil
    ) throws(DataLoaderError) {
        guard batchSize > 0 else { throw .batchSizeNotPositive(batchSize) }
        guard prefetch >= 0 else { throw .prefetchNegative(prefetch) }
        let samples = sampler?.samplesPerRank ?? dataset.count
        let batches = dropLast ? samples / batchSize : (samples + batchSize - 1) / batchSize
        guard batches > 0 else { throw .noBatches(samples: samples, batchSize: batchSize, dropLast: dropLast) }
        ensure(sampler == nil || sampler!.datasetCount == dataset.count, "DataLoader: the sampler is for \(sampler!.datasetCount) samples, the data set has \(dataset.count)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
        self.prefetch = prefetch
        self.sampler = sampler
    }

    /// Samples per epoch: the data set's, or this rank's share of it.
    public var samplesPerEpoch: Int { sampler?.samplesPerRank ?? dataset.count }

    /// `len(loader)`: full batches, plus the short last one unless `dropLast`.
    public var batchesPerEpoch: Int {
        dropLast ? samplesPerEpoch / batchSize : (samplesPerEpoch + batchSize - 1) / batchSize
    }

    /// The order in which epoch `epoch` visits the samples: 0, 1, 2, ... without shuffling,
    /// otherwise a permutation that depends only on the seed and the epoch.
    public func order(epoch: Int) -> [Int] {
        ensure(epoch >= 0, "DataLoader: epoch \(epoch) is negative")
        if let sampler { return sampler.indices(epoch: epoch) }
        return DataLoader.order(count: dataset.count, shuffle: shuffle, seed: seed, epoch: epoch)
    }

    /// The order of `count` samples in epoch `epoch`: shared by loaders and distributed samplers,
    /// so every rank of a job draws the order one process would.
    public static func order(count: Int, shuffle: Bool, seed: UInt64, epoch: Int) -> [Int] {
        guard shuffle else { return Array(0..<count) }
        var seeds = RandomGenerator(seed: seed)
        var epochSeed: UInt64 = 0
        for _ in 0...epoch {
            epochSeed = seeds.next()
        }
        var generator = RandomGenerator(seed: epochSeed)
        return generator.permutation(count)
    }

    /// The data set indices of batch `batch` of an epoch whose order is `order`.
    static func indices(ofBatch batch: Int, batchSize: Int, in order: [Int]) -> [Int] {
        let start = batch * batchSize
        let end = Swift.min(start + batchSize, order.count)
        return Array(order[start..<end])
    }

    /// Iterates over the batches of epoch `index` (`for batch in loader.epoch(e)`). With prefetch,
    /// a background queue starts assembling batches at once; dropping the iterator (leaving the
    /// loop early, say) stops that queue and waits for it, so no thread outlives the epoch.
    public func epoch(_ index: Int) -> Epoch {
        Epoch(loader: self, order: order(epoch: index))
    }
}

/// Configuration a loader cannot work with, thrown before any data is touched.
public enum DataLoaderError: Error, Sendable, Equatable, CustomStringConvertible {
    case batchSizeNotPositive(Int)
    case prefetchNegative(Int)
    case noBatches(samples: Int, batchSize: Int, dropLast: Bool)

    public var description: String {
        switch self {
        case .batchSizeNotPositive(let n):
            return "batch_size should be a positive integer value, but got batch_size=\(n)"
        case .prefetchNegative(let n):
            return "prefetch should be zero or a positive number of batches, but got prefetch=\(n)"
        case .noBatches(let samples, let batchSize, let dropLast):
            if samples == 0 { return "the data set is empty: an epoch would have no batches" }
            return "an epoch would have no batches: \(samples) samples, batch size \(batchSize)\(dropLast ? " with drop_last" : "")"
        }
    }
}
