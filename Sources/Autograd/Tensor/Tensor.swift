import Synchronization

/// Live tensor objects, for the leak tests: a freed graph lets every intermediate go.
let liveTensorCount = Atomic<Int>(0)

/// A multi-dimensional array that can take part in automatic differentiation, like torch.Tensor.
///
/// Storage is always a contiguous row-major block behind a `Backend`, so a tensor may live on the
/// CPU or a GPU. `isContiguous` tracks what PyTorch would report: `t()`, `transpose` and `permute`
/// produce tensors PyTorch calls non-contiguous (here they are copied, but `view` refuses them and
/// `contiguous()` records a CloneBackward0 exactly as PyTorch does).
///
/// Autograd state: a tensor produced by an op on inputs that require grad has a `gradFn` (the
/// node that will compute its inputs' gradients); a leaf that requires grad accumulates its
/// gradient into `grad` through an AccumulateGrad node.
public final class Tensor {
    public let shape: [Int]
    public let dtype: DType
    public internal(set) var storage: Storage
    public internal(set) var requiresGrad: Bool
    public internal(set) var gradFn: Node?
    public internal(set) var isContiguous: Bool
    /// The accumulated gradient of a leaf (or of a non-leaf after `retainGrad()`); nil until a backward reaches it.
    public var grad: Tensor?
    /// A leaf's AccumulateGrad node, shared by every use in one graph and freed with it.
    weak var gradAccumulator: Node?
    var hooks: [(Tensor) -> Tensor?] = []
    public internal(set) var retainsGrad = false
    /// A human name for messages and graphs (a parameter's dotted name, say).
    public var name: String?

    init(storage: Storage, shape: [Int], requiresGrad: Bool = false, gradFn: Node? = nil, isContiguous: Bool = true) {
        self.storage = storage
        self.shape = shape
        self.dtype = storage.dtype
        self.requiresGrad = requiresGrad
        self.gradFn = gradFn
        self.isContiguous = isContiguous
        liveTensorCount.add(1, ordering: .relaxed)
    }

    deinit {
        liveTensorCount.subtract(1, ordering: .relaxed)
    }

    /// How many tensors exist right now (a diagnostic for leak tests).
    public static var liveCount: Int { liveTensorCount.load(ordering: .relaxed) }

    public var device: Device { storage.device }
    public var rank: Int { shape.count }
    public var count: Int { storage.count }
    /// PyTorch's `numel()`.
    public var numel: Int { storage.count }
    public var isLeaf: Bool { gradFn == nil }
    var backend: any Backend { storage.backend }

    /// `size(dim)` with PyTorch's negative indexing.
    public func size(_ dim: Int) -> Int { shape[Shape.normalize(dim, rank: rank, op: "size")] }

    /// Marks a leaf as needing a gradient, like `requires_grad_()`. Only floating-point tensors can.
    @discardableResult
    public func requireGrad(_ flag: Bool = true) throws(AutogradError) -> Tensor {
        if flag && !dtype.isFloatingPoint { throw .integerRequiresGrad(dtype) }
        if !isLeaf && !flag { throw .nonLeafRequiresGradChange }
        requiresGrad = flag
        return self
    }

    /// A tensor sharing this one's storage, cut off from the graph.
    public func detach() -> Tensor {
        Tensor(storage: storage, shape: shape, isContiguous: isContiguous)
    }

    /// Replaces the storage in place with one of the same shape (optimizers, `to(device)` on modules, loading weights).
    public func replaceStorage(with other: Storage) {
        ensure(other.count == storage.count && other.dtype == dtype, "replaceStorage: \(other.count) \(other.dtype) elements for a \(Shape.describe(shape)) \(dtype) tensor")
        storage = other
    }
}
