import Synchronization

/// Live tensor objects, for the leak tests: a freed graph lets every intermediate go. Counted
/// only once a test asks (`Tensor.countLiveTensors()`): two atomic read-modify-writes on one
/// shared word per tensor were a twentieth of a 0-d op's time, for a number nothing else reads.
let liveTensorCount = Atomic<Int>(0)
let liveTensorCounting = Atomic<Bool>(false)

/// A multi-dimensional array that can take part in automatic differentiation, like torch.Tensor.
///
/// Storage is always a contiguous row-major block behind a `Backend`, so a tensor may live on the
/// CPU or a GPU. `isContiguous` tracks what PyTorch would report: `t()`, `transpose` and `permute`
/// produce tensors PyTorch calls non-contiguous (here they are copied, but `view` refuses them and
/// `contiguous()` records a CloneBackward0 exactly as PyTorch does). The transpose of a matrix is
/// copied only when something other than a matrix product reads it (Tensor+LazyTranspose.swift).
///
/// Autograd state: a tensor produced by an op on inputs that require grad has a `gradFn` (the
/// node that will compute its inputs' gradients); a leaf that requires grad accumulates its
/// gradient into `grad` through an AccumulateGrad node.
public final class Tensor {
    public let shape: [Int]
    /// The elements in row-major order of `shape`. A lazy transpose (below) is copied into
    /// place the first time anything reads it.
    public internal(set) var storage: Storage {
        get {
            if isPendingTranspose { return materializeTranspose() }
            return ownStorage
        }
        set {
            ownStorage = newValue
            isPendingTranspose = false
        }
    }
    /// The storage as it is: in row-major order of `shape`, or, while `isPendingTranspose`,
    /// the row-major [shape[1], shape[0]] storage this matrix is the transpose of.
    private var ownStorage: Storage
    public internal(set) var gradFn: Node?
    /// What only leaves, parameters and tensors given hooks use (`grad`, `name`, hooks...), in
    /// one object made the first time one of them is set (Tensor+Extras.swift): the
    /// intermediates of a graph, most tensors ever made, carry a nil here instead of five fields
    /// that each cost a release or a weak-reference teardown when the tensor goes.
    var extras: Extras?
    // The one-byte fields together, so the object stays small (Swift lays fields out in the
    // order they are declared).
    public let dtype: DType
    public internal(set) var requiresGrad: Bool
    public internal(set) var isContiguous: Bool
    /// Set while this 2-D tensor is the transpose of `ownStorage`, a [shape[1], shape[0]]
    /// row-major storage that was never copied: `t()` of a matrix, and the gradient a matrix
    /// product returns for such an operand. A matrix product reads it in place with its
    /// transpose flag flipped (so Linear's `weight.t()` and its gradient cost no copy); anything
    /// else that reads `storage` gets the copy, made once. A flag rather than a second storage
    /// reference, which every tensor would release when it goes.
    private(set) var isPendingTranspose = false
    /// Whether this tensor was counted in `liveTensorCount` (made while counting was on), so
    /// that its deinit takes back exactly what its init added.
    private let isCounted: Bool

    init(storage: Storage, shape: [Int], requiresGrad: Bool = false, gradFn: Node? = nil, isContiguous: Bool = true) {
        self.ownStorage = storage
        self.shape = shape
        self.dtype = storage.dtype
        self.requiresGrad = requiresGrad
        self.gradFn = gradFn
        self.isContiguous = isContiguous
        isCounted = liveTensorCounting.load(ordering: .relaxed)
        if isCounted { liveTensorCount.add(1, ordering: .relaxed) }
    }

    deinit {
        if isCounted { liveTensorCount.subtract(1, ordering: .relaxed) }
    }

    /// Makes this matrix the pending transpose of its storage (Tensor+LazyTranspose.swift).
    func markPendingTranspose() {
        isPendingTranspose = true
    }

    /// The untransposed storage of a pending transpose; nil otherwise.
    var transposeSource: Storage? { isPendingTranspose ? ownStorage : nil }

    /// Copies a pending transpose into row-major order, once.
    private func materializeTranspose() -> Storage {
        let source = ownStorage
        let copy = source.backend.permute(source, shape: [shape[1], shape[0]], order: [1, 0])
        ownStorage = copy
        isPendingTranspose = false
        return copy
    }

    /// Starts counting live tensors for `liveCount` (a diagnostic for leak tests); it stays on.
    public static func countLiveTensors() {
        liveTensorCounting.store(true, ordering: .relaxed)
    }

    /// How many of the tensors made since `countLiveTensors()` exist right now (0 before it):
    /// a leak shows as a count that grows with the iterations.
    public static var liveCount: Int { liveTensorCount.load(ordering: .relaxed) }

    /// The storage behind this tensor in whatever layout it has: for questions (device, backend,
    /// element count) that a pending transpose answers without being copied.
    var backingStorage: Storage { ownStorage }

    public var device: Device { backingStorage.device }
    public var rank: Int { shape.count }
    public var count: Int { backingStorage.count }
    /// PyTorch's `numel()`.
    public var numel: Int { backingStorage.count }
    public var isLeaf: Bool { gradFn == nil }
    var backend: any Backend { backingStorage.backend }

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
        if let transposeSource { return Tensor(transposing: transposeSource, shape: shape, isContiguous: isContiguous) }
        return Tensor(storage: ownStorage, shape: shape, isContiguous: isContiguous)
    }

    /// Replaces the storage in place with one of the same shape (optimizers, `to(device)` on modules, loading weights).
    public func replaceStorage(with other: Storage) {
        ensure(other.count == count && other.dtype == dtype, "replaceStorage: \(other.count) \(other.dtype) elements for a \(Shape.describe(shape)) \(dtype) tensor")
        storage = other
    }
}
