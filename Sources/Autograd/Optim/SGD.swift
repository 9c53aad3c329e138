/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight
/// decay, like torch.optim.SGD (pytorch-facts.md has the update). The momentum buffer of a
/// parameter is created on its first step with a gradient, holding that gradient (buf = g).
public final class SGD: Optimizer {
    /// The parameters it was built with; `held` says which of them it holds now.
    public let givenParameters: [Tensor]
    public private(set) var held: [Bool]
    public var parameters: [Tensor] { OptimizerSupport.held(givenParameters, held) }
    public var learningRate: Double {
        didSet { ensure(learningRate >= 0, "Invalid learning rate: \(learningRate)") }
    }
    public let momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let nesterov: Bool
    public var name: String { "SGD" }

    /// One momentum buffer per parameter, nil until its first step (and always without momentum).
    private var momentumBuffers: [Storage?]

    public init(_ parameters: [Tensor], lr: Double = 0.001, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) throws(OptimizerError) {
        try OptimizerSupport.checkLearningRate(lr)
        guard momentum >= 0 else { throw OptimizerError("Invalid momentum value: \(momentum)") }
        try OptimizerSupport.checkWeightDecay(weightDecay)
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw OptimizerError("Nesterov momentum requires a momentum and zero dampening")
        }
        self.givenParameters = try OptimizerSupport.checked(parameters)
        self.held = Array(repeating: true, count: parameters.count)
        self.learningRate = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.momentumBuffers = Array(repeating: nil, count: parameters.count)
    }

    /// Whether `parameters[index]` has a momentum buffer yet (it appears on its first step).
    public func hasMomentumBuffer(_ index: Int) -> Bool { momentumBuffers[index] != nil }

    /// `optimizer.state[p]['momentum_buffer']`: nil before the parameter's first step.
    public func momentumBuffer(of parameter: Tensor) -> Storage? {
        OptimizerSupport.index(of: parameter, in: givenParameters).flatMap { momentumBuffers[$0] }
    }

    @discardableResult
    public func setHeld(_ parameter: Tensor, _ isHeld: Bool) -> Bool {
        guard let i = OptimizerSupport.index(of: parameter, in: givenParameters) else { return false }
        held[i] = isHeld
        return true
    }

    public func step() {
        for (i, p) in givenParameters.enumerated() where held[i] {
            guard let g = OptimizerSupport.gradient(of: p, optimizer: name) else { continue }
            // The parameter's storage and backend read once: each read is a reference count, and
            // a small model's step is a handful of these per parameter.
            let parameter = p.storage
            let backend = parameter.backend
            var buffer: Storage? = nil
            var firstStep = false
            if momentum != 0 {
                buffer = OptimizerSupport.onBackend(momentumBuffers[i], backend)
                if buffer == nil {
                    buffer = backend.allocate(count: p.count, dtype: p.dtype)
                    firstStep = true
                }
                momentumBuffers[i] = buffer
            }
            let h = SGDHyper(lr: learningRate, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
                             nesterov: nesterov, firstStep: firstStep)
            backend.sgdStep(parameter: parameter, grad: g.storage, momentumBuffer: buffer, h)
        }
    }
}
