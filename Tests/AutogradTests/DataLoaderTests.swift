import Autograd
import Dispatch
import Synchronization
import Testing

/// A data set whose features spell out the sample index, so a batch shows where it came from.
private func indexDataset(_ n: Int, classes: Int = 3) -> ArrayDataset {
    var features: [Float] = []
    for i in 0..<n {
        features += [Float(i), Float(i) + 0.5]
    }
    return ArrayDataset(
        features: features, labels: (0..<n).map { $0 % classes }, sampleShape: [2],
        classNames: (0..<classes).map { "class \($0)" })
}

/// Wraps a data set, counting reads and (optionally) sleeping a seeded, varying time per sample
/// so the producer and the consumer interleave differently from run to run.
private final class Probe: Sendable {
    let reads = Atomic<Int>(0)
}

private struct SlowDataset: Dataset {
    let base: ArrayDataset
    let probe: Probe
    let delayMicroseconds: Int

    var count: Int { base.count }
    var sampleShape: [Int] { base.sampleShape }
    var classNames: [String] { base.classNames }
    func label(at index: Int) -> Int { base.label(at: index) }

    func copyFeatures(at index: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        probe.reads.add(1, ordering: .relaxed)
        if delayMicroseconds > 0 {
            // Vary the delay with the index so the two threads drift against each other.
            let jitter = (index &* 2_654_435_761) % (delayMicroseconds + 1)
            usleep(UInt32(jitter))
        }
        base.copyFeatures(at: index, into: destination)
    }
}

#if canImport(Glibc)
import Glibc
#endif

private func collect(_ loader: DataLoader, epoch: Int) -> [Batch] {
    Array(loader.epoch(epoch))
}

@Suite struct DataLoaderTests {
    @Test func batchesComeInOrderWithoutShuffling() throws {
        let loader = try DataLoader(indexDataset(10), batchSize: 4)
        let batches = collect(loader, epoch: 0)
        #expect(loader.batchesPerEpoch == 3)
        #expect(batches.map(\.indices) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        #expect(batches[0].inputShape == [4, 2])
        #expect(batches[0].inputs == [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5])
        #expect(batches[0].labels == [0, 1, 2, 0])
        // The same order every epoch when not shuffling.
        #expect(collect(loader, epoch: 3) == batches)
    }

    @Test func lastPartialBatchIsKeptUnlessDropLast() throws {
        let keep = try DataLoader(indexDataset(10), batchSize: 3)
        let keptBatches = collect(keep, epoch: 0)
        #expect(keep.batchesPerEpoch == 4)
        #expect(keptBatches.map(\.count) == [3, 3, 3, 1])
        #expect(keptBatches.last?.inputShape == [1, 2])
        #expect(keptBatches.last?.indices == [9])

        let drop = try DataLoader(indexDataset(10), batchSize: 3, dropLast: true)
        #expect(drop.batchesPerEpoch == 3)
        #expect(collect(drop, epoch: 0).map(\.count) == [3, 3, 3])

        let exact = try DataLoader(indexDataset(9), batchSize: 3, dropLast: true)
        #expect(exact.batchesPerEpoch == 3)
        #expect(collect(exact, epoch: 0).flatMap(\.indices) == Array(0..<9))
    }

    @Test func shufflingIsSeededAndNewEachEpoch() throws {
        let data = indexDataset(50)
        let a = try DataLoader(data, batchSize: 8, shuffle: true, seed: 7)
        let b = try DataLoader(data, batchSize: 8, shuffle: true, seed: 7)
        let c = try DataLoader(data, batchSize: 8, shuffle: true, seed: 8)

        let epoch0 = collect(a, epoch: 0)
        #expect(epoch0 == collect(b, epoch: 0))
        #expect(collect(a, epoch: 1) == collect(b, epoch: 1))
        // Every epoch visits every sample exactly once...
        for epoch in 0..<4 {
            #expect(collect(a, epoch: epoch).flatMap(\.indices).sorted() == Array(0..<50))
        }
        // ...in an order that changes with the epoch and with the seed.
        #expect(a.order(epoch: 0) != Array(0..<50))
        #expect(a.order(epoch: 0) != a.order(epoch: 1))
        #expect(a.order(epoch: 0) != c.order(epoch: 0))
        // The batch contents follow the order.
        let order = a.order(epoch: 0)
        #expect(epoch0.flatMap(\.indices) == order)
        #expect(epoch0[0].inputs[0] == Float(order[0]))
        #expect(epoch0[0].labels[1] == Int64(order[1] % 3))
    }

    @Test(arguments: [0, 1, 2, 5])
    func prefetchGivesTheSameBatchesAsNoPrefetch(prefetch: Int) throws {
        let probe = Probe()
        let slow = SlowDataset(base: indexDataset(37), probe: probe, delayMicroseconds: 300)
        let plain = try DataLoader(indexDataset(37), batchSize: 5, shuffle: true, seed: 3, prefetch: 0)
        let prefetched = try DataLoader(slow, batchSize: 5, shuffle: true, seed: 3, prefetch: prefetch)
        for epoch in 0..<3 {
            let expected = collect(plain, epoch: epoch)
            var got: [Batch] = []
            for (step, batch) in prefetched.epoch(epoch).enumerated() {
                // A consumer that is sometimes slower than the producer, sometimes faster.
                if step % 3 == 0 { usleep(500) }
                got.append(batch)
            }
            #expect(got == expected)
        }
        #expect(probe.reads.load(ordering: .relaxed) == 3 * 37)
    }

    @Test func stoppingMidEpochEndsTheProducer() throws {
        let probe = Probe()
        let slow = SlowDataset(base: indexDataset(200), probe: probe, delayMicroseconds: 200)
        let loader = try DataLoader(slow, batchSize: 4, prefetch: 2)
        let epoch = loader.epoch(0)
        #expect(epoch.next()?.indices == [0, 1, 2, 3])
        #expect(epoch.next()?.indices == [4, 5, 6, 7])
        epoch.stop()
        #expect(!epoch.isPrefetching)
        #expect(epoch.next() == nil)
        epoch.stop()  // a second stop is harmless
        // The producer built at most the two delivered batches, the two buffered ones and the
        // one it was working on, and builds no more now.
        let reads = probe.reads.load(ordering: .relaxed)
        #expect(reads <= 5 * 4)
        usleep(20_000)
        #expect(probe.reads.load(ordering: .relaxed) == reads)
    }

    @Test func leavingTheLoopEarlyDoesNotDeadlock() throws {
        let probe = Probe()
        let slow = SlowDataset(base: indexDataset(400), probe: probe, delayMicroseconds: 50)
        let loader = try DataLoader(slow, batchSize: 2, shuffle: true, seed: 1, prefetch: 3)
        // Breaking out drops the iterator; its deinit cancels and joins the producer.
        for round in 0..<20 {
            var seen = 0
            for _ in loader.epoch(round) {
                seen += 1
                if seen == round % 5 + 1 { break }
            }
            #expect(seen == round % 5 + 1)
        }
        // Epochs that are never read at all also stop cleanly.
        for round in 0..<20 {
            _ = loader.epoch(round)
        }
        let reads = probe.reads.load(ordering: .relaxed)
        usleep(20_000)
        #expect(probe.reads.load(ordering: .relaxed) == reads)
    }

    @Test func finishedEpochHasNoProducerLeft() throws {
        let loader = try DataLoader(indexDataset(10), batchSize: 4, prefetch: 2)
        let epoch = loader.epoch(0)
        #expect(epoch.batchCount == 3)
        while epoch.next() != nil {}
        #expect(epoch.batchesDelivered == 3)
        #expect(!epoch.isPrefetching)
    }

    @Test func badConfigurationsAreTypedErrors() {
        #expect(throws: DataLoaderError.batchSizeNotPositive(0)) {
            try DataLoader(indexDataset(4), batchSize: 0)
        }
        #expect(throws: DataLoaderError.prefetchNegative(-1)) {
            try DataLoader(indexDataset(4), batchSize: 2, prefetch: -1)
        }
        #expect(throws: DataLoaderError.noBatches(samples: 4, batchSize: 8, dropLast: true)) {
            try DataLoader(indexDataset(4), batchSize: 8, dropLast: true)
        }
        #expect(throws: DataLoaderError.noBatches(samples: 0, batchSize: 1, dropLast: false)) {
            try DataLoader(indexDataset(0), batchSize: 1)
        }
        #expect(DataLoaderError.batchSizeNotPositive(0).description.contains("batch_size=0"))
    }

    @Test func batchBecomesFloatInputsAndInt64Labels() throws {
        let loader = try DataLoader(indexDataset(6), batchSize: 4)
        let batch = try #require(loader.epoch(0).next())
        let (inputs, labels) = batch.tensors()
        #expect(inputs.shape == [4, 2])
        #expect(inputs.dtype == .float32)
        #expect(inputs.floats == batch.inputs)
        #expect(labels.shape == [4])
        #expect(labels.dtype == .int64)
        #expect(labels.toArray(Int64.self) == [0, 1, 2, 0])
    }

    @Test func sampleReadsOneItem() {
        let data = indexDataset(5)
        #expect(data.sample(at: 3) == Sample(features: [3, 3.5], label: 0))
        #expect(data.classCount == 3)
        #expect(data.featureCount == 2)
    }
}
