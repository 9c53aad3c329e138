/// What the trainer publishes after every step and every backward node: immutable values only,
/// so they can cross from the trainer's queue to the UI thread. Tensors, nodes and modules never
/// leave the trainer; this is everything the screen (or a script) may show.
public struct TrainingSnapshot: Sendable, Equatable {
    /// Increases with every publication: the UI redraws only when it changes.
    public var version: Int = 0

    // What is being trained.
    public var model: String = ""
    public var dataset: String = ""
    public var device: String = "cpu"
    public var optimizer: String = ""
    public var learningRate: Double = 0
    public var batchSize: Int = 0

    // Where training is.
    public var step: Int = 0
    public var epoch: Int = 0
    public var stepsPerEpoch: Int = 0
    public var isRunning: Bool = false
    public var isFinished: Bool = false
    public var stepsPerSecond: Double = 0
    /// The speed training keeps while running, and how many times the run was reset.
    public var pacing = Pacing()

    // zero_grad and accumulation.
    public var zeroGradEnabled: Bool = true
    /// Backward passes summed into .grad since the last zeroing.
    public var accumulated: Int = 0

    // Curves.
    public var losses: LossHistory = LossHistory()
    public var accuracies: [AccuracyPoint] = []

    // Parameters, in registration order (conv1.weight, conv1.bias, ...).
    public var parameters: [ParameterStats] = []

    // The last iteration's graph and the backward stepper's position in it.
    public var graph: GraphSnapshot? = nil
    public var cursor: BackwardCursor? = nil

    /// What the Model, Forward, Optimizer and Data pages show.
    public var pages: PageRecords = PageRecords()

    /// Why training stopped or what went wrong (a diverging loss names step and node), if anything.
    public var message: String? = nil
    public var diverged: Bool = false

    public init() {}
}

/// Test accuracy measured at a step (under no_grad, on the test split).
public struct AccuracyPoint: Sendable, Equatable {
    public var step: Int
    public var epoch: Int
    public var accuracy: Double

    public init(step: Int, epoch: Int, accuracy: Double) {
        self.step = step
        self.epoch = epoch
        self.accuracy = accuracy
    }
}

/// One parameter by its PyTorch name, with the norm of its .grad (nil when .grad is None) and of its value.
public struct ParameterStats: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var gradNorm: Double?
    public var norm: Double

    public init(name: String, shape: [Int], gradNorm: Double?, norm: Double) {
        self.name = name
        self.shape = shape
        self.gradNorm = gradNorm
        self.norm = norm
    }
}

/// Summary of one gradient tensor: what the backward step panel shows.
public struct GradientSummary: Sendable, Equatable {
    public var shape: [Int]
    public var norm: Double
    public var min: Double
    public var max: Double
    /// The first few elements in row-major order.
    public var firstValues: [Double]

    public init(shape: [Int], norm: Double, min: Double, max: Double, firstValues: [Double]) {
        self.shape = shape
        self.norm = norm
        self.min = min
        self.max = max
        self.firstValues = firstValues
    }
}

/// Where the backward stepper stands in the current pass.
public struct BackwardCursor: Sendable, Equatable {
    /// Ids into the graph snapshot: the node that just ran and the one that runs next.
    public var ran: Int?
    public var next: Int?
    public var ranName: String?
    public var nextName: String?
    /// The gradient the node that ran received, and what it passed on along each edge (nil: no gradient).
    public var gradIn: GradientSummary?
    public var gradsOut: [GradientSummary?]
    /// Parameters (by name) that hold a .grad so far.
    public var parametersWithGrad: [String]
    /// How many nodes of this pass have run, out of how many.
    public var stepsRun: Int
    public var totalNodes: Int
    /// True while a pass is under way (false once it reached the end).
    public var isActive: Bool

    public init(ran: Int?, next: Int?, ranName: String?, nextName: String?, gradIn: GradientSummary?,
                gradsOut: [GradientSummary?], parametersWithGrad: [String], stepsRun: Int, totalNodes: Int, isActive: Bool) {
        self.ran = ran
        self.next = next
        self.ranName = ranName
        self.nextName = nextName
        self.gradIn = gradIn
        self.gradsOut = gradsOut
        self.parametersWithGrad = parametersWithGrad
        self.stepsRun = stepsRun
        self.totalNodes = totalNodes
        self.isActive = isActive
    }
}
