/// Adam and AdamW, like torch.optim.Adam and torch.optim.AdamW (pytorch-facts.md has the
/// update). Each parameter keeps its own step count and moment estimates m and v, created as
/// zeros on its first step with a gradient; a step that skips a parameter does not count for it.
/// Adam adds weight_decay·p to the gradient; AdamW instead shrinks p by lr·weight_decay·p.
public final class Adam: AdamFamily {
    public override var name: String { "Adam" }

    public init(_ parameters: [Tensor], lr: Double = 0.001, betas: (Double, Double) = (0.9, 0.999),
                eps: Double = 1e-8, weightDecay: Double = 0) throws(OptimizerError) {
        try super.init(AdamCore(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: false))
    }
}

public final class AdamW: AdamFamily {
    public override var name: String { "AdamW" }

    public init(_ parameters: [Tensor], lr: Double = 0.001, betas: (Double, Double) = (0.9, 0.999),
                eps: Double = 1e-8, weightDecay: Double = 0.01) throws(OptimizerError) {
        try super.init(AdamCore(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: true))
    }
}

/// What Adam and AdamW expose alike; they differ only in name, default weight decay and how
/// the decay is applied (which AdamCore's `decoupled` carries).
public class AdamFamily: Optimizer {
    let core: AdamCore
    public var name: String { "Adam" }
    public var parameters: [Tensor] { core.parameters }
    public var learningRate: Double {
        get { core.learningRate }
        set { core.setLearningRate(newValue) }
    }
    public var betas: (Double, Double) { core.betas }
    public var eps: Double { core.eps }
    public var weightDecay: Double { core.weightDecay }

    init(_ core: AdamCore) {
        self.core = core
    }

    /// How many steps have updated `parameters[index]`.
    public func stepCount(_ index: Int) -> Int { core.steps[index] }

    /// `optimizer.state[p]`: its step count and the moments m (`exp_avg`) and v (`exp_avg_sq`),
    /// nil before its first step.
    public func state(of parameter: Tensor) -> (step: Int, m: Storage?, v: Storage?)? {
        guard let i = OptimizerSupport.index(of: parameter, in: core.given) else { return nil }
        return (core.steps[i], core.m[i], core.v[i])
    }

    @discardableResult
    public func setHeld(_ parameter: Tensor, _ isHeld: Bool) -> Bool {
        guard let i = OptimizerSupport.index(of: parameter, in: core.given) else { return false }
        core.held[i] = isHeld
        return true
    }

    public func step() { core.step(name: name) }
}

/// The state and update both Adam variants share.
final class AdamCore {
    let given: [Tensor]
    var held: [Bool]
    var parameters: [Tensor] { OptimizerSupport.held(given, held) }
    private(set) var learningRate: Double
    let betas: (Double, Double)
    let eps: Double
    let weightDecay: Double
    let decoupled: Bool
    private(set) var steps: [Int]
    private(set) var m: [Storage?]
    private(set) var v: [Storage?]

    init(_ parameters: [Tensor], lr: Double, betas: (Double, Double), eps: Double, weightDecay: Double,
         decoupled: Bool) throws(OptimizerError) {
        try OptimizerSupport.checkLearningRate(lr)
        guard eps >= 0 else { throw OptimizerError("Invalid epsilon value: \(eps)") }
        guard betas.0 >= 0 && betas.0 < 1 else { throw OptimizerError("Invalid beta parameter at index 0: \(betas.0)") }
        guard betas.1 >= 0 && betas.1 < 1 else { throw OptimizerError("Invalid beta parameter at index 1: \(betas.1)") }
        try OptimizerSupport.checkWeightDecay(weightDecay)
        self.given = try OptimizerSupport.checked(parameters)
        self.held = Array(repeating: true, count: parameters.count)
        self.learningRate = lr
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        self.steps = Array(repeating: 0, count: parameters.count)
        self.m = Array(repeating: nil, count: parameters.count)
        self.v = Array(repeating: nil, count: parameters.count)
    }

    func setLearningRate(_ lr: Double) {
        ensure(lr >= 0, "Invalid learning rate: \(lr)")
        learningRate = lr
    }

    func step(name: String) {
        for (i, p) in given.enumerated() where held[i] {
            guard let g = OptimizerSupport.gradient(of: p, optimizer: name) else { continue }
            let mi = OptimizerSupport.onParameterDevice(m[i], of: p) ?? OptimizerSupport.zeros(like: p)
            let vi = OptimizerSupport.onParameterDevice(v[i], of: p) ?? OptimizerSupport.zeros(like: p)
            m[i] = mi
            v[i] = vi
            steps[i] += 1
            let h = AdamHyper(lr: learningRate, beta1: betas.0, beta2: betas.1, eps: eps, weightDecay: weightDecay,
                              step: steps[i], decoupledWeightDecay: decoupled)
            p.storage.backend.adamStep(parameter: p.storage, grad: g.storage, m: mi, v: vi, h)
        }
    }
}
