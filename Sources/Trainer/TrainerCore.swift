import Autograd
import Dispatch
import Models
import TensorBoard

/// The training loop's state and its one-step operations. Everything here (model, optimizer,
/// loader, tensors, graph nodes) lives on the trainer's queue; `snapshot()` is the only way out.
///
/// A training step is PyTorch's loop body: zero_grad (unless switched off), forward, loss,
/// backward, optimizer step. Backward always runs through a BackwardStepper, so stepping one node
/// at a time (the `b` key) and a whole step (`n`, or running) are the same code path.
final class TrainerCore {
    let configuration: TrainingConfiguration
    let model: Module
    let optimizer: any Optimizer
    let split: DatasetSplit
    let loader: DataLoader
    let testLoader: DataLoader
    let parameterNames: [String]
    let parameters: [Tensor]
    /// Which parameters the optimizer holds (`x` on the Optimizer page), and the pages' records.
    var held: [Bool]
    let pages: PageState
    /// Replicas of `model` (--data-parallel), and the all-reduce of an MPI job (--distributed).
    let dataParallel: DataParallel?
    let reducer: GradientReducer?
    var parallel: ParallelRecord?
    var allReduceTimes: [UInt64] = []

    var step = 0
    var epoch = 0
    var isRunning = false
    var isFinished = false
    var zeroGradEnabled = true
    var accumulated = 0
    var losses = LossHistory()
    var accuracies: [AccuracyPoint] = []
    var graph: GraphSnapshot?
    var cursor: BackwardCursor?
    var message: String?
    var diverged = false
    var epochBatches: DataLoader.Epoch?
    /// The current epoch's batches are used up; the next batch starts the next epoch.
    var epochExhausted = false
    var stepTimes: [UInt64] = []
    /// Events not yet taken by the observer (steps, evaluations...).
    var events: [TrainingEvent] = []

    /// A backward pass being stepped through one node at a time.
    struct Pass {
        let loss: Tensor
        let value: Double
        let stepper: BackwardStepper
        let capture: GraphCapture
        var order: [Int]
        /// The last node's report, and whether a person has been stepping this pass with `b`.
        var last: BackwardStep?
        var stepped = false
    }
    var pass: Pass?
    /// TensorBoard event files (`--logdir`), and the Distributions page's samples.
    let summaries: SummaryWriter?
    var distributions: DistributionHistory?

    var stepsPerEpoch: Int { loader.batchesPerEpoch }

    /// Builds a run from `configuration`; `split` reuses data already loaded (a reset starts the
    /// run over on the same data without reading it again).
    init(_ configuration: TrainingConfiguration, split loaded: DatasetSplit? = nil) throws(TrainerError) {
        try configuration.validateFlags()
        // Every run needs OpenBLAS on the CPU (data preparation, the CPU model): without it, say so
        // here rather than exit from inside the first product, perhaps under the terminal UI.
        if let missing = OpenBLAS.loadError { throw .device(.cpu, DeviceError(missing)) }
        // A save that could only fail at the end is refused before the first step.
        if let path = configuration.savePath {
            do {
                _ = try Safetensors.saveTarget(path)
            } catch {
                throw .save(error)
            }
        }
        self.configuration = configuration
        // First, so that ranks started with different flags stop before doing anything else.
        let group = configuration.distributed ? try TrainerCore.joinProcessGroup(configuration) : nil
        if let threads = configuration.threads { Backends.cpu.setNumThreads(threads) }
        if let loaded {
            split = loaded
        } else {
            do {
                split = try DatasetCatalog.load(configuration.dataset, seed: configuration.seed)
            } catch {
                throw .dataset(error)
            }
        }
        let estimate = MemoryEstimate(
            batchSize: configuration.batchSize,
            parameters: ModelCatalog.parameterCount(configuration.model, inputShape: split.sampleShape, classes: split.classCount) ?? 0,
            inputFeatures: split.sampleShape.reduce(1, *),
            activationsPerSample: ModelCatalog.activationsPerSample(configuration.model, inputShape: split.sampleShape,
                                                                    classes: split.classCount) ?? 0,
            prefetch: 2)
        guard estimate.fits else { throw .memory(estimate) }
        do {
            model = try ModelCatalog.make(configuration.model, inputShape: split.sampleShape,
                                          classes: split.classCount, seed: configuration.seed)
        } catch {
            throw .model(error)
        }
        if let path = configuration.initPath {
            do {
                try model.loadSafetensors(from: path, strict: true)
            } catch {
                throw .checkpoint(error)
            }
        }
        do {
            try model.to(configuration.device)
        } catch {
            throw .device(configuration.device, error)
        }
        let named = model.namedParameters()
        parameterNames = named.map(\.name)
        parameters = named.map(\.tensor)
        held = Array(repeating: true, count: named.count)
        pages = PageState(model: model)
        dataParallel = try TrainerCore.makeDataParallel(configuration, model: model, split: split)
        reducer = group.map { GradientReducer(parameters: named.map(\.tensor), group: $0) }
        // DistributedDataParallel starts every rank from rank 0's weights.
        reducer?.broadcastParameters()
        do {
            switch configuration.optimizer {
            case .sgd:
                optimizer = try SGD(parameters, lr: configuration.learningRate, momentum: configuration.momentum,
                                    weightDecay: configuration.weightDecay)
            case .adam:
                optimizer = try Adam(parameters, lr: configuration.learningRate, weightDecay: configuration.weightDecay)
            case .adamw:
                optimizer = try AdamW(parameters, lr: configuration.learningRate, weightDecay: configuration.weightDecay)
            }
        } catch {
            throw .optimizer(configuration.optimizer, error)
        }
        if let every = configuration.distributionEvery {
            distributions = DistributionHistory(every: every, parameterNames: parameterNames)
        }
        do {
            loader = try DataLoader(split.train, batchSize: configuration.batchSize, shuffle: configuration.shuffle,
                                    seed: configuration.seed, dropLast: false,
                                    sampler: TrainerCore.sampler(configuration, group: group, split: split))
            testLoader = try DataLoader(split.test, batchSize: 256, shuffle: false, prefetch: 0)
        } catch {
            throw .dataLoader(dataset: split.name, error)
        }
        // Last, so a run that cannot start leaves no event file behind.
        summaries = try Self.makeSummaryWriter(configuration)
    }

    // MARK: commands

    func setRunning(_ running: Bool) {
        let was = isRunning
        isRunning = running && !isFinished && !diverged
        // Steps/s measures running, not the pause before it.
        if isRunning && !was { stepTimes.removeAll() }
    }

    /// Forgets step times, so steps/s measures only what comes next (after a new speed).
    func restartStepClock() {
        stepTimes.removeAll()
    }

    func toggleZeroGrad() {
        zeroGradEnabled.toggle()
    }

    func setLearningRate(_ lr: Double) {
        guard lr.isFinite && lr > 0 else { return }
        optimizer.learningRate = lr
    }

    var learningRate: Double { optimizer.learningRate }
}
