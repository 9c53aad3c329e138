/// What the Model, Forward, Optimizer and Data pages show, as values the trainer computed on
/// its own queue. One field of the snapshot holds them all; the records a page does not need
/// stay as they were when it was last on screen (or nil if it never was).
public struct PageRecords: Sendable, Equatable {
    /// `print(net)` and every parameter's tensor attributes (always present: it costs nothing).
    public var model: ModelRecord? = nil
    /// The last training forward pass, module by module (while the Forward page is shown).
    public var forward: ForwardRecord? = nil
    /// The first batch of the last evaluation, under `model.eval()` and `torch.no_grad()`.
    public var evaluationForward: ForwardRecord? = nil
    /// The parameters the optimizer holds, and the last step's arithmetic for the selected one.
    public var optimizer: OptimizerRecord? = nil
    /// The data set, the loader's order and the current batch (while the Data page is shown).
    public var data: DataRecord? = nil
    /// Per-class test results of the last evaluation (counted at every evaluation: it is cheap).
    public var confusion: ConfusionMatrix? = nil
    /// Each graph node's record from the last backward, by node id (nil: not run, or not inspected).
    public var nodes: [NodeRecord?] = []

    public init() {}
}

// MARK: Model

/// The module tree as `print(net)` prints it, and the parameters under it.
public struct ModelRecord: Sendable, Equatable {
    /// `print(net)`'s lines, each with the dotted path of the module it opens ("" for the root,
    /// nil for a closing parenthesis).
    public var lines: [ModelLine]
    public var parameters: [ParameterRecord]

    public init(lines: [ModelLine], parameters: [ParameterRecord]) {
        self.lines = lines
        self.parameters = parameters
    }

    /// `sum(p.numel() for p in net.parameters())`.
    public var total: Int { parameters.reduce(0) { $0 + $1.numel } }
}

public struct ModelLine: Sendable, Equatable {
    public var text: String
    public var module: String?

    public init(text: String, module: String?) {
        self.text = text
        self.module = module
    }
}

/// One parameter as `net.named_parameters()` gives it, with the attributes a learner checks.
public struct ParameterRecord: Sendable, Equatable {
    /// Dotted name (`conv1.weight`) and the module that owns it (`conv1`).
    public var name: String
    public var module: String
    public var shape: [Int]
    public var numel: Int
    /// `torch.float32`.
    public var dtype: String
    /// `cpu`, `cuda:0`.
    public var device: String
    public var requiresGrad: Bool
    /// False while `.grad` is None.
    public var hasGrad: Bool

    public init(name: String, module: String, shape: [Int], numel: Int, dtype: String, device: String,
                requiresGrad: Bool, hasGrad: Bool) {
        self.name = name
        self.module = module
        self.shape = shape
        self.numel = numel
        self.dtype = dtype
        self.device = device
        self.requiresGrad = requiresGrad
        self.hasGrad = hasGrad
    }
}

// MARK: Forward

/// One forward pass through the model, in the order things happened.
public struct ForwardRecord: Sendable, Equatable {
    /// The training step it belongs to (1-based), or the step after which the evaluation ran.
    public var step: Int
    /// `torch.is_grad_enabled()` during the forward: true in training, false under no_grad.
    public var gradEnabled: Bool
    /// `model.training`: train() or eval().
    public var training: Bool
    public var calls: [ForwardCall]

    public init(step: Int, gradEnabled: Bool, training: Bool, calls: [ForwardCall]) {
        self.step = step
        self.gradEnabled = gradEnabled
        self.training = training
        self.calls = calls
    }

    /// The forward hooks that fired, in firing order.
    public var hooks: [ForwardCall] {
        calls.filter { $0.hookOrder != nil }.sorted { $0.hookOrder! < $1.hookOrder! }
    }
}

/// A module call (its forward hook fired) or a function called between two modules inside
/// `forward` (F.relu, torch.flatten), which no hook sees.
public struct ForwardCall: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case module
        /// A function between modules: `F.relu`, `torch.flatten`, or the grad_fn's name.
        case function
    }

    public var kind: Kind
    /// The module's dotted name ("" for the root), or the function's name.
    public var name: String
    /// `Conv2d`, `Net`; for a function, how the forward called it.
    public var typeName: String
    /// 1 for the first forward hook that fired; nil for functions.
    public var hookOrder: Int?
    public var inputShape: [Int]
    public var outputShape: [Int]
    /// The output's statistics over every element.
    public var mean: Double
    public var std: Double
    /// Fraction of exact zeros in the output (what ReLU makes).
    public var zeroFraction: Double
    /// The output's grad_fn (nil under no_grad, or where nothing required grad).
    public var gradFn: String?

    public init(kind: Kind, name: String, typeName: String, hookOrder: Int?, inputShape: [Int], outputShape: [Int],
                mean: Double, std: Double, zeroFraction: Double, gradFn: String?) {
        self.kind = kind
        self.name = name
        self.typeName = typeName
        self.hookOrder = hookOrder
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.mean = mean
        self.std = std
        self.zeroFraction = zeroFraction
        self.gradFn = gradFn
    }

    /// The flatten between the convolutions and the Linear layers (worksheet question d).
    public var isFlatten: Bool { kind == .function && typeName == "torch.flatten" }
}
