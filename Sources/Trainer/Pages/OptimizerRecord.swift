/// What the Optimizer page shows: which parameters the optimizer holds (`x` takes one out and
/// puts it back) and, for the selected parameter, its last `step()` written out with numbers.
public struct OptimizerRecord: Sendable, Equatable {
    /// `SGD`, `Adam`, `AdamW`.
    public var name: String
    /// The settings as `print(optimizer)` lists them (`lr`, `momentum`, ...), in its order.
    public var settings: [OptimizerSetting]
    public var parameters: [HeldParameter]
    /// Index into `parameters` of the parameter the page looks at.
    public var selected: Int
    /// The last step as it touched the selected parameter (nil before a step was seen).
    public var update: ParameterUpdate?

    public init(name: String, settings: [OptimizerSetting], parameters: [HeldParameter], selected: Int,
                update: ParameterUpdate?) {
        self.name = name
        self.settings = settings
        self.parameters = parameters
        self.selected = selected
        self.update = update
    }
}

public struct OptimizerSetting: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A parameter and whether the optimizer holds it.
public struct HeldParameter: Sendable, Equatable {
    public var name: String
    public var held: Bool
    /// ‖.grad‖, nil while `.grad` is None.
    public var gradNorm: Double?

    public init(name: String, held: Bool, gradNorm: Double?) {
        self.name = name
        self.held = held
        self.gradNorm = gradNorm
    }
}

/// One `optimizer.step()` as it touched one parameter: a few of its elements before and after,
/// with the optimizer's state, read from the engine around the real step.
public struct ParameterUpdate: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        /// SGD: `firstStep` is the step that creates the momentum buffer (buf = g).
        case sgd(lr: Double, momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool, firstStep: Bool)
        /// Adam (or AdamW when `decoupled`): `t` is this parameter's step count after the step.
        case adam(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, decoupled: Bool, t: Int)
    }

    public var parameter: String
    public var shape: [Int]
    /// The training step this optimizer step ended (1-based).
    public var step: Int
    /// Whether the optimizer held the parameter at that step (if not, nothing changed).
    public var held: Bool
    public var rule: Rule
    public var elements: [ElementUpdate]
    /// ‖p_after − p_before‖ and ‖p_before‖ over the whole parameter.
    public var updateNorm: Double
    public var weightNorm: Double
    /// ‖.grad‖ the step saw (nil: .grad was None, so the step skipped it).
    public var gradNorm: Double?

    public init(parameter: String, shape: [Int], step: Int, held: Bool, rule: Rule, elements: [ElementUpdate],
                updateNorm: Double, weightNorm: Double, gradNorm: Double?) {
        self.parameter = parameter
        self.shape = shape
        self.step = step
        self.held = held
        self.rule = rule
        self.elements = elements
        self.updateNorm = updateNorm
        self.weightNorm = weightNorm
        self.gradNorm = gradNorm
    }
}

/// One element (flat index) of a parameter around one step. State is the momentum buffer for SGD
/// (`first`) or Adam's m (`first`) and v (`second`); nil where there was none.
public struct ElementUpdate: Sendable, Equatable {
    public var index: Int
    public var before: Double
    public var grad: Double?
    public var after: Double
    public var firstBefore: Double?
    public var firstAfter: Double?
    public var secondBefore: Double?
    public var secondAfter: Double?

    public init(index: Int, before: Double, grad: Double?, after: Double, firstBefore: Double? = nil,
                firstAfter: Double? = nil, secondBefore: Double? = nil, secondAfter: Double? = nil) {
        self.index = index
        self.before = before
        self.grad = grad
        self.after = after
        self.firstBefore = firstBefore
        self.firstAfter = firstAfter
        self.secondBefore = secondBefore
        self.secondAfter = secondAfter
    }
}
