import Autograd

/// One parameter watched across one `optimizer.step()`: its values, gradient and optimizer state
/// read just before the step, and the record of what the step did, read just after. The numbers
/// are the engine's own; the Optimizer page only writes them into PyTorch's formulas.
struct OptimizerStepCapture {
    let name: String
    let parameter: Tensor
    let held: Bool
    let before: [Double]
    let grad: [Double]?
    let gradNorm: Double?
    let first: [Double]?
    let second: [Double]?
    /// SGD with momentum and no buffer yet: this step creates it as buf = g.
    let firstStep: Bool

    /// How many elements are written out.
    static let elements = 3

    init(parameter: Tensor, name: String, held: Bool, optimizer: any Optimizer) {
        self.name = name
        self.parameter = parameter
        self.held = held
        let k = OptimizerStepCapture.elements
        let grad = parameter.grad?.storage.values
        let state = OptimizerStepCapture.state(of: parameter, in: optimizer, count: k)
        let noBuffer = (optimizer as? SGD).map { $0.momentum != 0 && $0.momentumBuffer(of: parameter) == nil } ?? false
        before = parameter.storage.values
        self.grad = grad.map { Array($0.prefix(k)) }
        gradNorm = grad.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        first = state.first
        second = state.second
        firstStep = noBuffer && grad != nil && held
    }

    /// What the step did (call right after `optimizer.step()`); `step` is the training step number.
    func record(after optimizer: any Optimizer, step: Int) -> ParameterUpdate? {
        let after = parameter.storage.values
        let state = OptimizerStepCapture.state(of: parameter, in: optimizer, count: OptimizerStepCapture.elements)
        var delta = 0.0
        var weight = 0.0
        for (a, b) in zip(after, before) {
            delta += (a - b) * (a - b)
            weight += b * b
        }
        let elements = (0..<min(OptimizerStepCapture.elements, after.count)).map { e in
            ElementUpdate(index: e, before: before[e], grad: grad?[e], after: after[e],
                          firstBefore: first?[e], firstAfter: state.first?[e],
                          secondBefore: second?[e], secondAfter: state.second?[e])
        }
        let rule: ParameterUpdate.Rule
        if let sgd = optimizer as? SGD {
            rule = .sgd(lr: sgd.learningRate, momentum: sgd.momentum, dampening: sgd.dampening,
                        weightDecay: sgd.weightDecay, nesterov: sgd.nesterov, firstStep: firstStep)
        } else if let adam = optimizer as? AdamFamily {
            rule = .adam(lr: adam.learningRate, beta1: adam.betas.0, beta2: adam.betas.1, eps: adam.eps,
                         weightDecay: adam.weightDecay, decoupled: adam is AdamW, t: adam.state(of: parameter)?.step ?? 0)
        } else {
            return nil
        }
        return ParameterUpdate(parameter: name, shape: parameter.shape, step: step, held: held, rule: rule,
                               elements: elements, updateNorm: delta.squareRoot(), weightNorm: weight.squareRoot(),
                               gradNorm: gradNorm)
    }

    /// The first `count` elements of the optimizer's state for `p`: SGD's momentum buffer, or
    /// Adam's m and v.
    static func state(of p: Tensor, in optimizer: any Optimizer, count: Int) -> (first: [Double]?, second: [Double]?) {
        if let sgd = optimizer as? SGD {
            return (sgd.momentumBuffer(of: p).map { Array($0.values.prefix(count)) }, nil)
        }
        if let adam = optimizer as? AdamFamily, let s = adam.state(of: p) {
            return (s.m.map { Array($0.values.prefix(count)) }, s.v.map { Array($0.values.prefix(count)) })
        }
        return (nil, nil)
    }
}
