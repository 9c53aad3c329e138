import Autograd

/// Forward hooks, one per module, that write down a forward pass as it happens.
///
/// The trainer installs them once (like `module.register_forward_hook` on every module of
/// `net.named_modules()`); they do nothing unless a record is wanted. A module's hook fires when
/// its forward returns, so the root's (`Net`) fires last. Functions called between modules
/// (F.relu, torch.flatten) run no hook: they show up as a module's input that is not the previous
/// module's output, and are named from their grad_fn, or under no_grad from what they did to the
/// values (max(x, 0) is a ReLU; the same values in a new shape are a flatten).
final class ForwardRecorder {
    enum Target {
        case off
        case training
        case evaluation
    }

    var target: Target = .off
    private var calls: [ForwardCall] = []
    private var previous: (tensor: Tensor, values: [Double])?
    private var hooksFired = 0
    /// The last finished pass for each target.
    private(set) var training: ForwardRecord?
    private(set) var evaluation: ForwardRecord?
    /// The step a finished pass is filed under.
    var step = 0

    func install(on model: Module) {
        model.registerForwardPreHook { [unowned self] _, input in
            self.begin()
            // The model's own input, so a function applied to it first (the MLP's flatten) shows.
            if self.target != .off { self.previous = (input, input.doubles) }
            return nil
        }
        for (name, module) in model.namedModules() {
            module.registerForwardHook { [unowned self] module, input, output in
                self.record(name: name, module: module, input: input, output: output)
                return nil
            }
        }
    }

    private func begin() {
        calls = []
        previous = nil
        hooksFired = 0
    }

    private func record(name: String, module: Module, input: Tensor, output: Tensor) {
        guard target != .off else { return }
        let isRoot = name.isEmpty
        hooksFired += 1
        if !isRoot, let previous, previous.tensor !== input {
            let values = input.doubles
            calls.append(call(kind: .function, name: "", typeName: ForwardRecorder.functionName(input, values, after: previous),
                              hookOrder: nil, input: previous.tensor.shape, output: input, values: values))
        }
        let values = output.doubles
        calls.append(call(kind: .module, name: name, typeName: module.typeName, hookOrder: hooksFired,
                          input: input.shape, output: output, values: values))
        previous = (output, values)
        guard isRoot else { return }
        let record = ForwardRecord(step: step, gradEnabled: GradMode.isEnabled, training: module.isTraining, calls: calls)
        switch target {
        case .training: training = record
        case .evaluation: evaluation = record
        case .off: break
        }
        begin()
    }

    private func call(kind: ForwardCall.Kind, name: String, typeName: String, hookOrder: Int?, input: [Int],
                      output: Tensor, values: [Double]) -> ForwardCall {
        let stats = ForwardRecorder.statistics(values)
        return ForwardCall(kind: kind, name: name, typeName: typeName, hookOrder: hookOrder, inputShape: input,
                           outputShape: output.shape, mean: stats.mean, std: stats.std, zeroFraction: stats.zeros,
                           gradFn: output.gradFn?.name)
    }

    /// Mean, standard deviation (unbiased, as `Tensor.std()`), and the fraction of exact zeros.
    static func statistics(_ values: [Double]) -> (mean: Double, std: Double, zeros: Double) {
        guard !values.isEmpty else { return (0, 0, 0) }
        var sum = 0.0
        var zeros = 0
        for v in values {
            sum += v
            if v == 0 { zeros += 1 }
        }
        let mean = sum / Double(values.count)
        var squares = 0.0
        for v in values { squares += (v - mean) * (v - mean) }
        let std = values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : 0
        return (mean, std, Double(zeros) / Double(values.count))
    }

    /// What the forward did between two modules, from the grad_fn it recorded or, without one,
    /// from the values themselves.
    static func functionName(_ tensor: Tensor, _ values: [Double], after previous: (tensor: Tensor, values: [Double])) -> String {
        switch tensor.gradFn?.name {
        case "ReluBackward0"?: return "F.relu"
        case "ViewBackward0"?, "ReshapeAliasBackward0"?, "UnsafeViewBackward0"?:
            return tensor.rank < previous.tensor.rank ? "torch.flatten" : "view"
        case let name?: return name
        case nil: break
        }
        guard values.count == previous.values.count else { return "a function" }
        if values == previous.values {
            return tensor.shape == previous.tensor.shape ? "identity" : (tensor.rank < previous.tensor.rank ? "torch.flatten" : "view")
        }
        if tensor.shape == previous.tensor.shape && zip(values, previous.values).allSatisfy({ $0 == Swift.max($1, 0) }) {
            return "F.relu"
        }
        return "a function"
    }
}
