import CKernels
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The CPU backend: OpenBLAS for every matrix product (and so for convolution), a loop of its
/// own for every kernel a training step runs, and a cache of freed blocks instead of malloc.
///
/// It subclasses ReferenceBackend, the definition, and must compute what it computes; the
/// tests compare every kernel here with it. The kernels live in CPU*.swift, written once for
/// Float and Double with the loop bounds and pointers hoisted so they vectorise. Loops and
/// products split over `numThreads` threads of its own only above a size where that pays
/// (OpenBLAS itself runs single-threaded: CPUGemm.swift says why).
public final class CPUBackend: ReferenceBackend, @unchecked Sendable {
    private let threads = Atomic<Int>(1)
    let pool: CPUBufferPool

    /// The default cap on cached free memory.
    public static let defaultPoolCapacity = 256 << 20

    /// Whether float32 stride-1 convolutions and the 2×2 max pool run on CKernels' vector kernels
    /// (CPUDirectConvolution.swift, CPUMaxPool.swift) rather than im2col, OpenBLAS and Swift loops.
    public var usesVectorKernels: Bool { vectorKernels != nil }

    /// The vector width of those kernels: AVX-512, AVX2, or portable (the Swift loops).
    public var vectorWidth: VectorWidth { vectorKernels?.width ?? .portable }

    let vectorKernels: VectorKernelSet?

    /// `threads` (default: OpenBLAS's count at start, normally one per core) is this backend's
    /// thread count for its loops and its large products. `vectorKernels: false` keeps the
    /// portable Swift paths even on a CPU with AVX2, and `maxVectorWidth` caps the kernels' width
    /// below what the CPU runs (the tests run every width the CPU has).
    public init(poolCapacity: Int = CPUBackend.defaultPoolCapacity, threads count: Int? = nil, vectorKernels: Bool = true,
                maxVectorWidth: VectorWidth = .avx512) {
        pool = CPUBufferPool(capacity: poolCapacity)
        self.vectorKernels = vectorKernels ? VectorKernelSet(Swift.min(maxVectorWidth, VectorWidth.cpu)) : nil
        super.init()
        threads.store(Swift.max(1, count ?? CPUBackend.defaultThreads), ordering: .relaxed)
    }

    public override var name: String { "cpu" }

    /// Threads used by the parallel loops and by OpenBLAS for large products.
    public var numThreads: Int { threads.load(ordering: .relaxed) }

    /// Sets the thread count (like torch.set_num_threads).
    public func setNumThreads(_ n: Int) {
        threads.store(Swift.max(1, n), ordering: .relaxed)
    }

    /// OpenBLAS's thread count at start (OPENBLAS_NUM_THREADS, else one per core), read before
    /// CPUGemm puts OpenBLAS itself on one thread.
    private static let defaultThreads: Int = Swift.max(1, Int(blitz_openblas_get_num_threads()))

    // MARK: memory

    public override func allocate(count: Int, dtype: DType) -> Storage {
        Storage(pointer: pool.allocate(byteCount: count * dtype.byteSize), count: count, dtype: dtype, backend: self)
    }

    public override func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        pool.release(pointer, byteCount: byteCount)
    }

    public override func fill(_ storage: Storage, with value: Double) {
        if value == 0 && value.sign == .plus {
            // All-zero bits are +0 in every dtype.
            if storage.count > 0 { memset(storage.pointer, 0, storage.byteCount) }
            return
        }
        super.fill(storage, with: value)
    }

    public override func cast(_ storage: Storage, to dtype: DType) -> Storage {
        let out = allocate(count: storage.count, dtype: dtype)
        cpuCast(storage, out)
        return out
    }

    // MARK: elementwise

    public override func unary(_ op: UnaryOp, _ x: Storage) -> Storage {
        let out = allocate(count: x.count, dtype: x.dtype)
        let t = numThreads
        switch x.dtype {
        case .float32: cpuUnary(op, x.input(Float.self), out.buffer(Float.self), x.count, threads: t)
        case .float64: cpuUnary(op, x.input(Double.self), out.buffer(Double.self), x.count, threads: t)
        case .int64: fatalError("unary \(op) is not defined for int64 tensors")
        }
        return out
    }

    public override func binary(_ op: BinaryOp, _ a: Storage, _ aShape: [Int], _ b: Storage, _ bShape: [Int], outShape: [Int]) -> Storage {
        let n = Shape.count(outShape)
        let out = allocate(count: n, dtype: a.dtype)
        let layout = BinaryLayout.of(aShape, a.count, bShape, b.count, outShape, n)
        let t = numThreads
        switch a.dtype {
        case .float32:
            cpuBinary(op, a.input(Float.self), aShape, b.input(Float.self), bShape, out.buffer(Float.self), outShape, layout, threads: t)
        case .float64:
            cpuBinary(op, a.input(Double.self), aShape, b.input(Double.self), bShape, out.buffer(Double.self), outShape, layout, threads: t)
        case .int64: fatalError("binary \(op) is not defined for int64 tensors")
        }
        return out
    }

    public override func expand(_ x: Storage, shape: [Int], to outShape: [Int]) -> Storage {
        let out = allocate(count: Shape.count(outShape), dtype: x.dtype)
        switch x.dtype {
        case .float32: cpuExpand(x.input(Float.self), shape: shape, out.buffer(Float.self), outShape: outShape, threads: numThreads)
        case .float64: cpuExpand(x.input(Double.self), shape: shape, out.buffer(Double.self), outShape: outShape, threads: numThreads)
        case .int64: cpuExpand(x.input(Int64.self), shape: shape, out.buffer(Int64.self), outShape: outShape, threads: numThreads)
        }
        return out
    }

    // MARK: reductions

    public override func sum(_ x: Storage, shape: [Int], dims: [Int]) -> Storage {
        var outShape = shape
        for d in dims { outShape[d] = 1 }
        let out = allocate(count: Shape.count(outShape), dtype: x.dtype)
        let t = numThreads
        switch x.dtype {
        case .float32: cpuSum(x.input(Float.self), shape: shape, dims: dims, out.buffer(Float.self), threads: t)
        case .float64: cpuSum(x.input(Double.self), shape: shape, dims: dims, out.buffer(Double.self), threads: t)
        case .int64: cpuSum(x.input(Int64.self), shape: shape, dims: dims, out.buffer(Int64.self), threads: t)
        }
        return out
    }

    public override func sumOfSquares(_ x: Storage) -> Double {
        switch x.dtype {
        case .float32: return cpuSumOfSquares(x.input(Float.self), x.count)
        case .float64: return cpuSumOfSquares(x.input(Double.self), x.count)
        case .int64: return super.sumOfSquares(x)
        }
    }

    // MARK: layout

    public override func permute(_ x: Storage, shape: [Int], order: [Int]) -> Storage {
        let out = allocate(count: x.count, dtype: x.dtype)
        switch x.dtype {
        case .float32: cpuPermute(x.input(Float.self), out.buffer(Float.self), shape: shape, order: order, threads: numThreads)
        case .float64: cpuPermute(x.input(Double.self), out.buffer(Double.self), shape: shape, order: order, threads: numThreads)
        case .int64: cpuPermute(x.input(Int64.self), out.buffer(Int64.self), shape: shape, order: order, threads: numThreads)
        }
        return out
    }

    // MARK: linear algebra

    public override func gemm(_ a: Storage, _ b: Storage, into c: Storage, m: Int, n: Int, k: Int,
                              transA: Bool, transB: Bool, alpha: Double, beta: Double,
                              batch: Int, strideA: Int, strideB: Int, strideC: Int) {
        let lda = transA ? m : k, ldb = transB ? k : n, ldc = n
        // Many small products (bmm): one per thread at a time; otherwise each splits on its own.
        let perThread = batch > 1 && m * n * k < CPUGemm.parallelWork && batch * m * n * k >= CPUGemm.parallelWork
        let inner = perThread ? 1 : numThreads
        func run<T: BLASElement>(_: T.Type) {
            let pa = a.input(T.self), pb = b.input(T.self), pc = c.buffer(T.self)
            CPUParallel.forRanges(batch, grain: perThread ? Swift.max(1, CPUGemm.parallelWork / Swift.max(m * n * k, 1)) : batch,
                                  threads: numThreads) { items in
                for i in items {
                    CPUGemm.multiply(transA, transB, m, n, k, alpha: T(alpha), pa + i * strideA, lda, pb + i * strideB, ldb,
                                     beta: T(beta), pc + i * strideC, ldc, threads: inner)
                }
            }
        }
        switch a.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: fatalError("matmul is not defined for int64 tensors")
        }
    }

    // MARK: convolution and pooling

    public override func conv2d(_ x: Storage, weight: Storage, bias: Storage?, outChannels: Int, _ g: ConvGeometry) -> Storage {
        let out = allocate(count: g.batch * outChannels * g.outHeight * g.outWidth, dtype: x.dtype)
        if runsDirectConvolution(x.dtype, g) {
            directConv2d(x.input(Float.self), weight.input(Float.self), bias?.input(Float.self), out.buffer(Float.self),
                         outChannels: outChannels, g, pool: pool, threads: numThreads, kernels: vectorKernels!)
            return out
        }
        switch x.dtype {
        case .float32:
            cpuConv2d(x.input(Float.self), weight.input(Float.self), bias?.input(Float.self), out.buffer(Float.self),
                      outChannels: outChannels, g, pool: pool, threads: numThreads)
        case .float64:
            cpuConv2d(x.input(Double.self), weight.input(Double.self), bias?.input(Double.self), out.buffer(Double.self),
                      outChannels: outChannels, g, pool: pool, threads: numThreads)
        case .int64: fatalError("conv2d is not defined for int64 tensors")
        }
        return out
    }

    public override func conv2dBackward(_ grad: Storage, input: Storage, weight: Storage, outChannels: Int, _ g: ConvGeometry,
                                        inputGrad: Bool, biasGrad: Bool) -> (input: Storage?, weight: Storage, bias: Storage?) {
        let gw = allocate(count: weight.count, dtype: grad.dtype)
        let gx = inputGrad ? allocate(count: input.count, dtype: grad.dtype) : nil
        switch grad.dtype {
        case .float32 where runsDirectConvolution(grad.dtype, g):
            directConv2dBackward(grad.input(Float.self), input.input(Float.self), weight.input(Float.self), gx?.buffer(Float.self),
                                 gw.buffer(Float.self), outChannels: outChannels, g, pool: pool, threads: numThreads,
                                 kernels: vectorKernels!)
        case .float32:
            cpuConv2dBackward(grad.input(Float.self), input.input(Float.self), weight.input(Float.self), gx?.buffer(Float.self),
                              gw.buffer(Float.self), outChannels: outChannels, g, pool: pool, threads: numThreads)
        case .float64:
            cpuConv2dBackward(grad.input(Double.self), input.input(Double.self), weight.input(Double.self), gx?.buffer(Double.self),
                              gw.buffer(Double.self), outChannels: outChannels, g, pool: pool, threads: numThreads)
        case .int64: fatalError("conv2d is not defined for int64 tensors")
        }
        let gb = biasGrad ? sum(grad, shape: [g.batch, outChannels, g.outHeight * g.outWidth], dims: [0, 2]) : nil
        return (gx, gw, gb)
    }

    /// float32 stride-1 convolutions take CKernels' flat correlations (CPUDirectConvolution.swift).
    private func runsDirectConvolution(_ dtype: DType, _ g: ConvGeometry) -> Bool {
        dtype == .float32 && usesVectorKernels && DirectConvolution.applies(to: g)
    }

    public override func im2col(_ x: Storage, _ g: ConvGeometry) -> Storage {
        let out = allocate(count: g.channels * g.kernelH * g.kernelW * g.batch * g.outHeight * g.outWidth, dtype: x.dtype)
        switch x.dtype {
        case .float32: cpuIm2col(x.input(Float.self), out.buffer(Float.self), g, threads: numThreads)
        case .float64: cpuIm2col(x.input(Double.self), out.buffer(Double.self), g, threads: numThreads)
        case .int64: fatalError("conv2d is not defined for int64 tensors")
        }
        return out
    }

    public override func col2im(_ cols: Storage, _ g: ConvGeometry) -> Storage {
        let out = allocate(count: g.batch * g.channels * g.height * g.width, dtype: cols.dtype)
        switch cols.dtype {
        case .float32: cpuCol2im(cols.input(Float.self), out.buffer(Float.self), g, threads: numThreads)
        case .float64: cpuCol2im(cols.input(Double.self), out.buffer(Double.self), g, threads: numThreads)
        case .int64: fatalError("conv2d is not defined for int64 tensors")
        }
        return out
    }

    public override func maxPool2d(_ x: Storage, _ g: ConvGeometry) -> (values: Storage, indices: Storage) {
        let count = g.batch * g.channels * g.outHeight * g.outWidth
        let values = allocate(count: count, dtype: x.dtype)
        let indices = allocate(count: count, dtype: .int64)
        switch x.dtype {
        case .float32 where usesVectorKernels && VectorMaxPool.applies(to: g):
            VectorMaxPool.run(x.input(Float.self), values.buffer(Float.self), indices.buffer(Int64.self), g, threads: numThreads,
                              kernels: vectorKernels!)
        case .float32: cpuMaxPool(x.input(Float.self), values.buffer(Float.self), indices.buffer(Int64.self), g, threads: numThreads)
        case .float64: cpuMaxPool(x.input(Double.self), values.buffer(Double.self), indices.buffer(Int64.self), g, threads: numThreads)
        case .int64: fatalError("max_pool2d is not defined for int64 tensors")
        }
        return (values, indices)
    }

    public override func maxPool2dBackward(_ grad: Storage, indices: Storage, _ g: ConvGeometry) -> Storage {
        let out = allocate(count: g.batch * g.channels * g.height * g.width, dtype: grad.dtype)
        let idx = indices.input(Int64.self)
        switch grad.dtype {
        case .float32 where usesVectorKernels && VectorMaxPool.applies(to: g):
            VectorMaxPool.backward(grad.input(Float.self), idx, out.buffer(Float.self), g, threads: numThreads,
                                   kernels: vectorKernels!)
        case .float32: cpuMaxPoolBackward(grad.input(Float.self), idx, out.buffer(Float.self), g, threads: numThreads)
        case .float64: cpuMaxPoolBackward(grad.input(Double.self), idx, out.buffer(Double.self), g, threads: numThreads)
        case .int64: fatalError("max_pool2d is not defined for int64 tensors")
        }
        return out
    }

    // MARK: softmax, indexing, losses

    public override func logSoftmax(_ x: Storage, outer: Int, size: Int, inner: Int) -> Storage {
        let out = allocate(count: x.count, dtype: x.dtype)
        switch x.dtype {
        case .float32: cpuLogSoftmax(x.input(Float.self), out.buffer(Float.self), outer: outer, size: size, inner: inner, threads: numThreads)
        case .float64: cpuLogSoftmax(x.input(Double.self), out.buffer(Double.self), outer: outer, size: size, inner: inner, threads: numThreads)
        case .int64: fatalError("log_softmax is not defined for int64 tensors")
        }
        return out
    }

    public override func logSoftmaxBackward(_ grad: Storage, output: Storage, outer: Int, size: Int, inner: Int) -> Storage {
        let out = allocate(count: grad.count, dtype: grad.dtype)
        switch grad.dtype {
        case .float32:
            cpuLogSoftmaxBackward(grad.input(Float.self), output.input(Float.self), out.buffer(Float.self),
                                  outer: outer, size: size, inner: inner, threads: numThreads)
        case .float64:
            cpuLogSoftmaxBackward(grad.input(Double.self), output.input(Double.self), out.buffer(Double.self),
                                  outer: outer, size: size, inner: inner, threads: numThreads)
        case .int64: fatalError("log_softmax is not defined for int64 tensors")
        }
        return out
    }

    public override func gather(_ x: Storage, outer: Int, size: Int, inner: Int, index: Storage, indexSize: Int) -> Storage {
        let out = allocate(count: outer * indexSize * inner, dtype: x.dtype)
        let idx = index.input(Int64.self)
        switch x.dtype {
        case .float32: cpuGather(x.input(Float.self), idx, out.buffer(Float.self), outer: outer, size: size, inner: inner, indexSize: indexSize)
        case .float64: cpuGather(x.input(Double.self), idx, out.buffer(Double.self), outer: outer, size: size, inner: inner, indexSize: indexSize)
        case .int64: cpuGather(x.input(Int64.self), idx, out.buffer(Int64.self), outer: outer, size: size, inner: inner, indexSize: indexSize)
        }
        return out
    }

    public override func scatterAdd(_ grad: Storage, outer: Int, size: Int, inner: Int, index: Storage, indexSize: Int) -> Storage {
        let out = allocate(count: outer * size * inner, dtype: grad.dtype)
        let idx = index.input(Int64.self)
        switch grad.dtype {
        case .float32: cpuScatterAdd(grad.input(Float.self), idx, out.buffer(Float.self), outer: outer, size: size, inner: inner, indexSize: indexSize)
        case .float64: cpuScatterAdd(grad.input(Double.self), idx, out.buffer(Double.self), outer: outer, size: size, inner: inner, indexSize: indexSize)
        case .int64: cpuScatterAdd(grad.input(Int64.self), idx, out.buffer(Int64.self), outer: outer, size: size, inner: inner, indexSize: indexSize)
        }
        return out
    }

    // MARK: optimizers

    public override func sgdStep(parameter: Storage, grad: Storage, momentumBuffer: Storage?, _ h: SGDHyper) {
        switch parameter.dtype {
        case .float32:
            cpuSGD(parameter.buffer(Float.self), grad.input(Float.self), momentumBuffer?.buffer(Float.self), parameter.count, h, threads: numThreads)
        case .float64:
            cpuSGD(parameter.buffer(Double.self), grad.input(Double.self), momentumBuffer?.buffer(Double.self), parameter.count, h, threads: numThreads)
        case .int64: fatalError("optimizers update floating-point parameters only")
        }
    }

    public override func adamStep(parameter: Storage, grad: Storage, m: Storage, v: Storage, _ h: AdamHyper) {
        switch parameter.dtype {
        case .float32:
            cpuAdam(parameter.buffer(Float.self), grad.input(Float.self), m.buffer(Float.self), v.buffer(Float.self),
                    parameter.count, h, threads: numThreads)
        case .float64:
            cpuAdam(parameter.buffer(Double.self), grad.input(Double.self), m.buffer(Double.self), v.buffer(Double.self),
                    parameter.count, h, threads: numThreads)
        case .int64: fatalError("optimizers update floating-point parameters only")
        }
    }
}
