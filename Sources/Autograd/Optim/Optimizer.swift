/// Optimizers update parameters from their gradients, like torch.optim.
///
/// An optimizer is given the parameters it may change and touches no others. Each `step()`
/// applies one update to every parameter whose `.grad` is set and skips the rest, as PyTorch
/// does. The update runs as one fused backend kernel per parameter (`sgdStep`, `adamStep`), in
/// place, on the parameter's device; the per-parameter state (momentum buffers, Adam's m and v)
/// is created there on the first step that needs it. The learning rate may change between steps.
public protocol Optimizer: AnyObject {
    /// PyTorch's class name: "SGD", "Adam", "AdamW".
    var name: String { get }
    var learningRate: Double { get set }
    /// The parameters this optimizer updates, in the order given.
    var parameters: [Tensor] { get }
    /// One update of every parameter that has a gradient.
    func step()
    /// Takes a parameter it was built with out of the optimizer (false) or puts it back (true);
    /// false when it was never given that parameter. Out of it, `step()` leaves the parameter's
    /// values alone and `zeroGrad()` its .grad, while backward still fills .grad, as in PyTorch
    /// when a tensor is removed from `param_groups`. Its state (momentum, Adam's moments) is kept,
    /// as `optimizer.state[p]` is, and used again once it is back.
    @discardableResult
    func setHeld(_ parameter: Tensor, _ isHeld: Bool) -> Bool
}

extension Optimizer {
    /// Clears the gradients of this optimizer's parameters: to nil by default (PyTorch 2), or to zeros.
    public func zeroGrad(setToNone: Bool = true) {
        for p in parameters { p.zeroGrad(setToNone: setToNone) }
    }
}

/// A setting or parameter list that an optimizer cannot work with, worded as PyTorch's ValueError.
public struct OptimizerError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Shared checks and bookkeeping of the optimizers.
enum OptimizerSupport {
    /// The parameters as given, checked: not empty, each a floating-point leaf, each once.
    static func checked(_ parameters: [Tensor]) throws(OptimizerError) -> [Tensor] {
        guard !parameters.isEmpty else { throw OptimizerError("optimizer got an empty parameter list") }
        var seen = Set<ObjectIdentifier>()
        for p in parameters {
            guard p.isLeaf else { throw OptimizerError("can't optimize a non-leaf Tensor\(label(p))") }
            guard p.dtype.isFloatingPoint else {
                throw OptimizerError("optimizer can only optimize Tensors of floating point dtype, got \(p.dtype)\(label(p))")
            }
            guard seen.insert(ObjectIdentifier(p)).inserted else {
                throw OptimizerError("optimizer contains a parameter group with duplicate parameters\(label(p))")
            }
        }
        return parameters
    }

    private static func label(_ p: Tensor) -> String {
        p.name.map { " (\($0))" } ?? ""
    }

    /// The parameters whose `held` flag is set, in the order given.
    static func held(_ given: [Tensor], _ held: [Bool]) -> [Tensor] {
        var out: [Tensor] = []
        out.reserveCapacity(given.count)
        for (p, h) in zip(given, held) where h { out.append(p) }
        return out
    }

    static func index(of parameter: Tensor, in given: [Tensor]) -> Int? {
        given.firstIndex { $0 === parameter }
    }

    static func checkLearningRate(_ lr: Double) throws(OptimizerError) {
        guard lr >= 0 else { throw OptimizerError("Invalid learning rate: \(lr)") }
    }

    static func checkWeightDecay(_ wd: Double) throws(OptimizerError) {
        guard wd >= 0 else { throw OptimizerError("Invalid weight_decay value: \(wd)") }
    }

    /// The gradient a step may use for `p`, or nil when backward never reached it.
    static func gradient(of p: Tensor, optimizer: String) -> Tensor? {
        guard let g = p.grad else { return nil }
        ensure(g.dtype == p.dtype && g.device == p.device && g.shape == p.shape,
                     "\(optimizer).step: the gradient of \(p.name ?? "a parameter") is \(Shape.describe(g.shape)) \(g.dtype) on \(g.device), the parameter \(Shape.describe(p.shape)) \(p.dtype) on \(p.device)")
        return g
    }

    /// `state` on `p`'s backend (moved there if the parameter changed device), or nil if absent.
    static func onParameterDevice(_ state: Storage?, of p: Tensor) -> Storage? {
        onBackend(state, p.storage.backend)
    }

    /// `state` on `backend` (moved there if it lives elsewhere), or nil if absent.
    static func onBackend(_ state: Storage?, _ backend: any Backend) -> Storage? {
        guard let state else { return nil }
        return state.backend === backend ? state : Module.move(state, to: backend)
    }

    /// A zero-filled storage the size of `p`, on its device.
    static func zeros(like p: Tensor) -> Storage {
        let backend = p.storage.backend
        let s = backend.allocate(count: p.count, dtype: p.dtype)
        backend.fill(s, with: 0)
        return s
    }
}
