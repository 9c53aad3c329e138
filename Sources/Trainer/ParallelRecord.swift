/// What the Train page shows about data parallelism, as values: for `--data-parallel N`, how the
/// last batch was scattered over the replicas, each replica's loss and gradient norm and the
/// reduced gradient; for `--distributed`, this rank's place in the job, its shard of the data
/// and what the gradient all-reduce costs.
public struct ParallelRecord: Sendable, Equatable {
    /// One replica of a DataParallel step.
    public struct Replica: Sendable, Equatable {
        public var device: String
        /// Rows of the batch it received.
        public var rows: Range<Int>
        /// The data set indices of those rows.
        public var samples: [Int]
        /// Cross-entropy of its rows alone (mean over them).
        public var loss: Double?
        /// ‖gradient it sent back‖₂ over all parameters (nil before its first backward).
        public var gradNorm: Double?

        public init(device: String, rows: Range<Int>, samples: [Int], loss: Double?, gradNorm: Double?) {
            self.device = device
            self.rows = rows
            self.samples = samples
            self.loss = loss
            self.gradNorm = gradNorm
        }
    }

    /// This process's place in an MPI job.
    public struct Distributed: Sendable, Equatable {
        public var rank: Int
        public var worldSize: Int
        /// The MPI library and its version ("Open MPI v4.1.4").
        public var library: String
        /// Samples this rank takes per epoch, of the data set's.
        public var samplesPerRank: Int
        public var datasetCount: Int
        /// The data set indices of this rank's last batch.
        public var lastBatch: [Int]
        /// The last step's time in MPI_Allreduce, and the mean over the recent steps, in µs.
        public var allReduceMicroseconds: Double
        public var meanAllReduceMicroseconds: Double
        public var buckets: Int
        public var bytesPerStep: Int

        public init(rank: Int, worldSize: Int, library: String, samplesPerRank: Int, datasetCount: Int, lastBatch: [Int],
                    allReduceMicroseconds: Double, meanAllReduceMicroseconds: Double, buckets: Int, bytesPerStep: Int) {
            self.rank = rank
            self.worldSize = worldSize
            self.library = library
            self.samplesPerRank = samplesPerRank
            self.datasetCount = datasetCount
            self.lastBatch = lastBatch
            self.allReduceMicroseconds = allReduceMicroseconds
            self.meanAllReduceMicroseconds = meanAllReduceMicroseconds
            self.buckets = buckets
            self.bytesPerStep = bytesPerStep
        }
    }

    /// DataParallel's replicas (empty without --data-parallel).
    public var replicas: [Replica] = []
    /// ‖Σ replicas' gradients‖₂: the norm of what is in the module's .grad after the step's backward.
    public var reducedGradNorm: Double?
    public var distributed: Distributed?

    public init(replicas: [Replica] = [], reducedGradNorm: Double? = nil, distributed: Distributed? = nil) {
        self.replicas = replicas
        self.reducedGradNorm = reducedGradNorm
        self.distributed = distributed
    }
}
