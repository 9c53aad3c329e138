/// A Backend owns memory on one device and runs the kernels every op is built from.
///
/// Tensors and the autograd engine never touch elements directly: each op asks the backend of
/// its inputs' device for a kernel. `ReferenceBackend` (plain loops) is the definition of what
/// each kernel computes; `CPUBackend` (OpenBLAS, vectorised loops, threads) and the CUDA backend
/// must agree with it, and the tests hold them to that.
///
/// Every kernel takes and returns contiguous storages in row-major order. Shapes are passed
/// alongside because storages are flat. Integer storages (int64) appear only as indices and labels.
public protocol Backend: AnyObject, Sendable {
    var device: Device { get }
    /// A short name for messages and `blitz-tui devices`.
    var name: String { get }

    // MARK: memory
    func allocate(count: Int, dtype: DType) -> Storage
    /// Called by Storage's deinit; a backend may keep the block for reuse.
    func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int)
    /// Copies host bytes (in `dtype`'s little-endian layout) into a new storage.
    func upload(_ bytes: UnsafeRawBufferPointer, count: Int, dtype: DType) -> Storage
    /// Copies a storage's elements to host memory of at least `byteCount` bytes.
    func download(_ storage: Storage, into bytes: UnsafeMutableRawBufferPointer)
    func fill(_ storage: Storage, with value: Double)
    func copy(_ storage: Storage) -> Storage
    /// Copies `source` into `destination` (same count and dtype): used by in-place updates.
    func copy(_ source: Storage, into destination: Storage)
    func cast(_ storage: Storage, to dtype: DType) -> Storage

    // MARK: elementwise
    func unary(_ op: UnaryOp, _ x: Storage) -> Storage
    /// `a op b` with broadcasting of `aShape` and `bShape` to `outShape`.
    func binary(_ op: BinaryOp, _ a: Storage, _ aShape: [Int], _ b: Storage, _ bShape: [Int], outShape: [Int]) -> Storage
    /// Materialises a broadcast of `x` from `shape` to `outShape`.
    func expand(_ x: Storage, shape: [Int], to outShape: [Int]) -> Storage

    // MARK: reductions
    /// Sums over `dims`, keeping them as size 1.
    func sum(_ x: Storage, shape: [Int], dims: [Int]) -> Storage
    /// Max along the middle of an (outer, size, inner) view: values and int64 indices, each outer×inner.
    func max(_ x: Storage, outer: Int, size: Int, inner: Int) -> (values: Storage, indices: Storage)
    /// Sum of squares of every element, on the host: gradient norms for the snapshot.
    func sumOfSquares(_ x: Storage) -> Double

    // MARK: layout
    /// Reorders dimensions: output dim i is input dim `order[i]`.
    func permute(_ x: Storage, shape: [Int], order: [Int]) -> Storage

    // MARK: linear algebra
    /// C[b] = alpha · op(A[b]) · op(B[b]) + beta · C[b] for b in 0..<batch, row-major, where
    /// op(A) is m×k and op(B) is k×n. Strides are in elements between consecutive batch items.
    func gemm(_ a: Storage, _ b: Storage, into c: Storage, m: Int, n: Int, k: Int,
              transA: Bool, transB: Bool, alpha: Double, beta: Double,
              batch: Int, strideA: Int, strideB: Int, strideC: Int)
    /// addmm's forward: `bias` (of `biasShape`, broadcastable to [m, n]) + op(A) · op(B), op(A) m×k and
    /// op(B) k×n as in `gemm`, a new [m, n] storage. `Backend+Addmm.swift` composes it from expand and
    /// gemm; a backend may fuse it.
    func addmm(_ bias: Storage, biasShape: [Int], _ a: Storage, _ b: Storage, m: Int, n: Int, k: Int,
               transA: Bool, transB: Bool) -> Storage

    // MARK: convolution and pooling
    /// conv2d of x [n, c, h, w] with weight [o, c, kh, kw] plus an optional bias [o]: [n, o, oh, ow].
    /// `Backend+Conv2dComposed.swift` composes it from im2col, gemm and permute; a backend may fuse it.
    func conv2d(_ x: Storage, weight: Storage, bias: Storage?, outChannels: Int, _ g: ConvGeometry) -> Storage
    /// The gradients of conv2d from dY [n, o, oh, ow]: dX (if `inputGrad`), dW [o, c, kh, kw], dB [o] (if `biasGrad`).
    func conv2dBackward(_ grad: Storage, input: Storage, weight: Storage, outChannels: Int, _ g: ConvGeometry,
                        inputGrad: Bool, biasGrad: Bool) -> (input: Storage?, weight: Storage, bias: Storage?)
    /// Unfolds patches of a [n, c, h, w] input into columns [c·kh·kw, n·oh·ow].
    func im2col(_ x: Storage, _ g: ConvGeometry) -> Storage
    /// The adjoint of im2col: folds columns back, summing overlaps, into [n, c, h, w].
    func col2im(_ cols: Storage, _ g: ConvGeometry) -> Storage
    /// Max pooling of [n, c, h, w]: values and flat int64 indices into each h·w plane, as PyTorch returns.
    func maxPool2d(_ x: Storage, _ g: ConvGeometry) -> (values: Storage, indices: Storage)
    func maxPool2dBackward(_ grad: Storage, indices: Storage, _ g: ConvGeometry) -> Storage

    // MARK: softmax, indexing, losses
    func logSoftmax(_ x: Storage, outer: Int, size: Int, inner: Int) -> Storage
    /// grad − exp(output) · Σ grad, along the dimension.
    func logSoftmaxBackward(_ grad: Storage, output: Storage, outer: Int, size: Int, inner: Int) -> Storage
    /// out[o, j, i] = x[o, index[o, j, i], i] for an index of shape (outer, indexSize, inner).
    func gather(_ x: Storage, outer: Int, size: Int, inner: Int, index: Storage, indexSize: Int) -> Storage
    /// The adjoint of gather: zeros of (outer, size, inner) with grad added at the indices.
    func scatterAdd(_ grad: Storage, outer: Int, size: Int, inner: Int, index: Storage, indexSize: Int) -> Storage

    // MARK: optimizers (in place)
    func sgdStep(parameter: Storage, grad: Storage, momentumBuffer: Storage?, _ h: SGDHyper)
    func adamStep(parameter: Storage, grad: Storage, m: Storage, v: Storage, _ h: AdamHyper)
}

/// Pointwise functions of one tensor. Scalars are carried as Double and converted per dtype.
public enum UnaryOp: Sendable, Equatable {
    case neg, exp, log, sqrt, relu, sigmoid, tanh
    case pow(Double)
    case scale(Double)
    case addScalar(Double)
}

/// Pointwise functions of two broadcast tensors. The `*Backward` cases fuse what a backward
/// needs so it costs one pass: `reluBackward(grad, out) = grad · (out > 0)`, and so on.
public enum BinaryOp: Sendable, Equatable {
    case add, sub, mul, div
    case reluBackward
    case sigmoidBackward
    case tanhBackward
}

/// The geometry of a 2-D convolution or pooling window over a [n, c, h, w] input.
public struct ConvGeometry: Sendable, Equatable {
    public var batch, channels, height, width: Int
    public var kernelH, kernelW: Int
    public var strideH, strideW: Int
    public var paddingH, paddingW: Int

    public init(batch: Int, channels: Int, height: Int, width: Int,
                kernelH: Int, kernelW: Int, strideH: Int, strideW: Int,
                paddingH: Int, paddingW: Int) {
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
        self.kernelH = kernelH
        self.kernelW = kernelW
        self.strideH = strideH
        self.strideW = strideW
        self.paddingH = paddingH
        self.paddingW = paddingW
    }

    public var outHeight: Int { (height + 2 * paddingH - kernelH) / strideH + 1 }
    public var outWidth: Int { (width + 2 * paddingW - kernelW) / strideW + 1 }
}

/// SGD's hyper-parameters for one step (pytorch-facts.md has the update).
public struct SGDHyper: Sendable, Equatable {
    public var lr, momentum, dampening, weightDecay: Double
    public var nesterov: Bool
    /// True on the step that creates the momentum buffer: then buf = g.
    public var firstStep: Bool

    public init(lr: Double, momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool, firstStep: Bool) {
        self.lr = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.firstStep = firstStep
    }
}

/// Adam's and AdamW's hyper-parameters for one step; `step` counts from 1.
public struct AdamHyper: Sendable, Equatable {
    public var lr, beta1, beta2, eps, weightDecay: Double
    public var step: Int
    /// AdamW: decay the parameter by lr·weightDecay instead of adding weightDecay·p to the gradient.
    public var decoupledWeightDecay: Bool

    public init(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, step: Int, decoupledWeightDecay: Bool) {
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        self.step = step
        self.decoupledWeightDecay = decoupledWeightDecay
    }
}
