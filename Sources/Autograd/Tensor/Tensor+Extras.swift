/// The state of a tensor that only some tensors use: the gradient of a leaf (or of a non-leaf
/// that asked to retain it), the leaf's AccumulateGrad node, gradient hooks and a human name.
///
/// Every op makes a tensor, and almost none of those ever get a gradient, a hook or a name. Kept
/// as fields of Tensor, these five would be torn down with every intermediate: three releases,
/// a string release and a weak reference's destruction per tensor, a tenth of a small op's
/// cost. Gathered in one object that is made the first time one of them is set, an
/// intermediate pays one release of nil; a parameter pays one small allocation, once.
extension Tensor {
    final class Extras {
        var grad: Tensor?
        /// Weak: the graph owns its AccumulateGrad node, which holds this leaf strongly.
        weak var gradAccumulator: Node?
        var hooks: [(Tensor) -> Tensor?] = []
        var retainsGrad = false
        var name: String?
    }

    /// The side object, made on first use.
    var ensuredExtras: Extras {
        if let extras { return extras }
        let made = Extras()
        extras = made
        return made
    }

    /// The accumulated gradient of a leaf (or of a non-leaf after `retainGrad()`); nil until a
    /// backward reaches it.
    public var grad: Tensor? {
        get { extras?.grad }
        set {
            // Clearing a gradient that was never set makes no side object.
            if newValue == nil && extras == nil { return }
            ensuredExtras.grad = newValue
        }
    }

    /// A human name for messages and graphs (a parameter's dotted name, say).
    public var name: String? {
        get { extras?.name }
        set {
            if newValue == nil && extras == nil { return }
            ensuredExtras.name = newValue
        }
    }

    /// Whether `retainGrad()` asked this non-leaf to keep its gradient.
    public internal(set) var retainsGrad: Bool {
        get { extras?.retainsGrad ?? false }
        set { ensuredExtras.retainsGrad = newValue }
    }

    /// A leaf's AccumulateGrad node, shared by every use in one graph and freed with it.
    var gradAccumulator: Node? {
        get { extras?.gradAccumulator }
        set { ensuredExtras.gradAccumulator = newValue }
    }

    /// Hooks registered on a leaf (a non-leaf's go on its grad_fn as pre-hooks).
    var hooks: [(Tensor) -> Tensor?] {
        get { extras?.hooks ?? [] }
        set { ensuredExtras.hooks = newValue }
    }
}
