import Dispatch
import Synchronization

extension DataLoader {
    /// One pass over the data: a sequence of `Batch` values in the epoch's order.
    ///
    /// With `prefetch > 0` a producer on its own DispatchQueue assembles batches into a bounded
    /// buffer (`PrefetchBuffer`) and waits when it is full; `next()` takes from it. `stop()` (or
    /// dropping the iterator) cancels the producer, wakes it if it waits, and blocks until it
    /// has returned, so stopping mid-epoch leaves no thread behind and cannot deadlock.
    /// An Epoch belongs to the thread that consumes it; only the buffer is shared.
    public final class Epoch: Sequence, IteratorProtocol {
        public let batchCount: Int
        private let loader: DataLoader
        private let order: [Int]
        private var delivered = 0
        private let buffer: PrefetchBuffer?
        private var stopped = false

        init(loader: DataLoader, order: [Int]) {
            self.loader = loader
            self.order = order
            self.batchCount = loader.batchesPerEpoch
            if loader.prefetch > 0 {
                let buffer = PrefetchBuffer(capacity: loader.prefetch)
                self.buffer = buffer
                let queue = DispatchQueue(label: "blitz.DataLoader.prefetch", qos: .userInitiated)
                let dataset = loader.dataset
                let batchSize = loader.batchSize
                let count = batchCount
                queue.async {
                    buffer.produce(count: count) { batch in
                        Batch.gather(DataLoader.indices(ofBatch: batch, batchSize: batchSize, in: order), from: dataset)
                    }
                }
            } else {
                self.buffer = nil
            }
        }

        deinit {
            stop()
        }

        /// Batches handed out so far.
        public var batchesDelivered: Int { delivered }

        /// Whether a prefetch producer is still running (false once the epoch is done or stopped).
        public var isPrefetching: Bool { buffer?.isRunning ?? false }

        public func next() -> Batch? {
            guard !stopped, delivered < batchCount else {
                stop()
                return nil
            }
            let batch: Batch
            if let buffer {
                batch = buffer.take()
            } else {
                batch = Batch.gather(DataLoader.indices(ofBatch: delivered, batchSize: loader.batchSize, in: order), from: loader.dataset)
            }
            delivered += 1
            return batch
        }

        /// Ends the epoch now: the producer stops after the batch it is assembling, and this
        /// returns once it has. Safe to call more than once; `next()` then returns nil.
        public func stop() {
            if stopped { return }
            stopped = true
            buffer?.cancelAndJoin()
        }
    }
}

/// The bounded hand-over between the prefetch producer and the consumer.
///
/// Semaphores count free slots and filled slots; the batches themselves sit in a Mutex-guarded
/// array. Every semaphore starts at zero and is raised by signals, because libdispatch traps
/// when a semaphore is freed with a value below the one it was created with (which a stop in
/// mid-epoch would otherwise leave behind).
final class PrefetchBuffer: Sendable {
    private let batches = Mutex<[Batch]>([])
    private let freeSlots = DispatchSemaphore(value: 0)
    private let filledSlots = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let cancelled = Atomic<Bool>(false)
    private let running = Atomic<Bool>(true)

    init(capacity: Int) {
        ensure(capacity > 0)
        for _ in 0..<capacity {
            freeSlots.signal()
        }
    }

    var isRunning: Bool { running.load(ordering: .acquiring) }

    /// The producer's loop: waits for a free slot, checks for cancellation, builds and hands over.
    func produce(count: Int, _ make: (Int) -> Batch) {
        for index in 0..<count {
            freeSlots.wait()
            if cancelled.load(ordering: .acquiring) { break }
            let batch = make(index)
            batches.withLock { $0.append(batch) }
            filledSlots.signal()
        }
        running.store(false, ordering: .releasing)
        finished.signal()
    }

    /// The next batch, waiting for the producer if it is behind. Only called for batches the
    /// producer will make (the consumer counts them), so it cannot wait forever.
    func take() -> Batch {
        filledSlots.wait()
        let batch = batches.withLock { $0.removeFirst() }
        freeSlots.signal()
        return batch
    }

    /// Cancels the producer and waits until it has returned.
    func cancelAndJoin() {
        cancelled.store(true, ordering: .releasing)
        // Wakes a producer blocked on a full buffer; one that is building a batch sees the
        // flag at its next wait, which this extra slot lets through.
        freeSlots.signal()
        finished.wait()
        batches.withLock { $0.removeAll() }
    }
}
