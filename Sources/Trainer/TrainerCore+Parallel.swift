import Autograd
import Dispatch
import Models

/// The trainer's data-parallel and distributed step paths: DataParallel's forward in place of
/// the model's (`--data-parallel N`), and, in an MPI job (`--distributed`), the start-up checks,
/// each rank's shard of the data, rank 0's control of every step, and the gradient all-reduce
/// between backward and the optimizer step.
extension TrainerCore {
    // MARK: set-up

    /// DataParallel over N replicas: N CPU workers, or cuda:k ... cuda:k+N−1 from `--device cuda:k`.
    static func makeDataParallel(_ configuration: TrainingConfiguration, model: Module, split: DatasetSplit) throws(TrainerError) -> DataParallel? {
        guard configuration.dataParallel > 1 else { return nil }
        let devices: [Device]
        switch configuration.device {
        case .cpu: devices = Array(repeating: .cpu, count: configuration.dataParallel)
        case .cuda(let first): devices = (0..<configuration.dataParallel).map { .cuda(first + $0) }
        }
        do {
            return try DataParallel(model, devices: devices) {
                try ModelCatalog.make(configuration.model, inputShape: split.sampleShape, classes: split.classCount, seed: configuration.seed)
            }
        } catch {
            throw .distributed("--data-parallel \(configuration.dataParallel): \(error)")
        }
    }

    /// Joins the MPI job and refuses to go on unless every rank has the same configuration.
    static func joinProcessGroup(_ configuration: TrainingConfiguration) throws(TrainerError) -> ProcessGroup {
        let group: ProcessGroup
        do {
            group = try ProcessGroup.world()
        } catch {
            throw .distributed("--distributed: \(error)")
        }
        group.timeout = configuration.distributedTimeout
        let hash = configurationHash(configuration)
        var bytes = withUnsafeBytes(of: hash.littleEndian) { Array($0) }
        group.broadcast(&bytes, what: "the check of every rank's flags")
        let rootHash = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        let firstDifferent = group.allReduceMax(rootHash == hash ? -1 : Int32(group.rank), what: "the check of every rank's flags")
        if firstDifferent >= 0 {
            throw .distributed("--distributed: rank \(firstDifferent) was started with different flags than rank 0 "
                               + "(configuration hash \(String(rootHash, radix: 16)) on rank 0"
                               + (group.rank == Int(firstDifferent) ? ", \(String(hash, radix: 16)) here" : "")
                               + "); give every rank the same flags")
        }
        return group
    }

    /// FNV-1a of the configuration's full description: equal flags, equal hash, on any host.
    static func configurationHash(_ configuration: TrainingConfiguration) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in String(describing: configuration).utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    /// This rank's share of each epoch, when it is one of several.
    static func sampler(_ configuration: TrainingConfiguration, group: ProcessGroup?, split: DatasetSplit) -> DistributedSampler? {
        guard let group else { return nil }
        return DistributedSampler(datasetCount: split.train.count, replicas: group.worldSize, rank: group.rank,
                                  shuffle: configuration.shuffle, seed: configuration.seed)
    }

    /// Rank 0 alone evaluates, prints and saves.
    var isLeadRank: Bool { (reducer?.group.rank ?? 0) == 0 }

    // MARK: the step

    /// The forward pass of a training step: DataParallel's when there are replicas.
    func trainingForward(_ x: Tensor) -> Tensor {
        dataParallel.map { $0(x) } ?? model(x)
    }

    /// Every step starts with rank 0's word: its learning rate and zero_grad switch (a person may
    /// change them in its UI) and whether to stop. False: rank 0 has ended the run.
    func exchangeControl() -> Bool {
        guard let group = reducer?.group, group.worldSize > 1 else { return true }
        var control = [learningRate, zeroGradEnabled ? 1 : 0, 0]
        group.broadcast(&control, what: "rank 0's start of step \(step + 1)")
        guard group.rank != 0 else { return true }
        setLearningRate(control[0])
        zeroGradEnabled = control[1] != 0
        if control[2] != 0 {
            finish()
            return false
        }
        return true
    }

    /// Rank 0 quits before the end: finish the step the others may be waiting in, then tell them.
    func leaveDistributed() {
        guard let group = reducer?.group, group.worldSize > 1, group.rank == 0, !diverged else { return }
        finishBackward()
        guard !isFinished else { return }
        var control = [learningRate, zeroGradEnabled ? 1 : 0, 1]
        group.broadcast(&control, what: "rank 0's stop")
        finish()
    }

    /// After the forward: what each replica received and its loss alone (shown on the Train page).
    func recordScatter(batch: Batch) {
        guard let dataParallel else {
            if let reducer { recordShard(batch: batch, group: reducer.group) }
            return
        }
        var replicas: [ParallelRecord.Replica] = []
        noGrad {
            for (r, rows) in dataParallel.lastScatter.enumerated() {
                var loss: Double?
                if !rows.isEmpty, r < dataParallel.lastReplicaOutputs.count {
                    let output = dataParallel.lastReplicaOutputs[r]
                    let labels = Tensor(Array(batch.labels[rows]), shape: [rows.count])
                    if let onDevice = try? labels.to(output.device) {
                        loss = Tensor.crossEntropy(output, onDevice).item()
                    }
                }
                replicas.append(ParallelRecord.Replica(device: dataParallel.devices[r].description, rows: rows,
                                                       samples: Array(batch.indices[rows]), loss: loss, gradNorm: nil))
            }
        }
        var record = parallel ?? ParallelRecord()
        record.replicas = replicas
        record.reducedGradNorm = nil
        parallel = record
        if let reducer { recordShard(batch: batch, group: reducer.group) }
    }

    private func recordShard(batch: Batch, group: ProcessGroup) {
        var record = parallel ?? ParallelRecord()
        var d = record.distributed ?? ParallelRecord.Distributed(
            rank: group.rank, worldSize: group.worldSize, library: group.library.shortVersion,
            samplesPerRank: loader.samplesPerEpoch, datasetCount: split.train.count, lastBatch: [],
            allReduceMicroseconds: 0, meanAllReduceMicroseconds: 0, buckets: reducer?.buckets.count ?? 0, bytesPerStep: 0)
        d.lastBatch = batch.indices
        record.distributed = d
        parallel = record
    }

    /// Between backward and the optimizer step: the replicas' gradient norms, then (in a job)
    /// the all-reduce that leaves every rank with the average gradient.
    func reduceGradients() {
        if let dataParallel, var record = parallel {
            let norms = dataParallel.replicaGradientNorms
            for r in record.replicas.indices where r < norms.count { record.replicas[r].gradNorm = norms[r] }
            record.reducedGradNorm = parameters.reduce(0) { $0 + ($1.grad?.backendSumOfSquares ?? 0) }.squareRoot()
            parallel = record
        }
        guard let reducer, reducer.group.worldSize > 1 else { return }
        let timing = reducer.averageGradients()
        allReduceTimes.append(timing.allReduceNanoseconds)
        if allReduceTimes.count > 64 { allReduceTimes.removeFirst(allReduceTimes.count - 64) }
        var record = parallel ?? ParallelRecord()
        if var d = record.distributed {
            d.allReduceMicroseconds = Double(timing.allReduceNanoseconds) / 1000
            d.meanAllReduceMicroseconds = Double(allReduceTimes.reduce(0, +)) / Double(allReduceTimes.count) / 1000
            d.buckets = timing.buckets
            d.bytesPerStep = timing.bytes
            record.distributed = d
        }
        parallel = record
    }
}
