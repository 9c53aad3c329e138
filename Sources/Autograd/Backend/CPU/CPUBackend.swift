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
    // @unchecked: restated because ReferenceBackend's conformance is unchecked (Swift asks a
    // subclass to say so again). Every op may call this backend from any thread at once, and
    // that is safe: its state is `threads` (an Atomic), `pool` (a CPUBufferPool, Sendable: one
    // Mutex guards its lists) and `vectorKernels` (a constant); each kernel call works only
    // on the storages it is given and scratch memory of its own, and keeps nothing between calls.
    private let threads = Atomic<Int>(1)
    let pool: CPUBufferPool

    /// The default cap on cached free memory.
    public static let defaultPoolCapacity = 256 << 20

    /// Whether float32 stride-1 convolutions and the 2×2 max pool run on CKernels' vector kernels
    /// (CPUDirectConvolution.swift, CPUMaxPool.swift) rather than im2col, OpenBLAS and Swift loops.
    public var usesVectorKernels: Bool { vectorKernels != nil }

    /// The vector width of those kernels: AVX-512, AVX2, or portable (the Swift loops).
    public var vectorWidth: VectorWidth { vectorKernels?.width ?? .portable }
    /// Whether float32 products run blitz-tui's own AVX-512 GEMM (CPUGemm.swift) rather than OpenBLAS.
    var runsOwnFloatGemm: Bool { vectorWidth == .avx512 }

    let vectorKernels: VectorKernelSet?

    /// `threads` (default: OpenBLAS's count at start, normally one per core) is this backend's
    /// thread count for its loops and its large products. `vectorKernels: false` keeps the
    /// portable Swift paths even on a CPU with AVX2, and `maxVectorWidth` caps the kernels' width
    /// below what the CPU runs (the tests run every width the CPU has).
    public init(poolCapacity: Int = CPUBackend.defaultPoolCapacity, threads count: Int? = nil,
                vectorKernels: Bool = true, maxVectorWidth: VectorWidth = .avx512) {
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

    /// Small blocks live inside the Storage object (Storage.swift says why); others come from the pool.
    public override func allocate(count: Int, dtype: DType) -> Storage {
        let bytes = count * dtype.byteSize
        if bytes <= Storage.inlineByteCount { return Storage.inline(count: count, dtype: dtype, backend: self) }
        return Storage.wrapping(pointer: pool.allocate(byteCount: bytes), count: count, dtype: dtype, backend: self, device: .cpu)
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
        let threads = numThreads
        func kernel<T: FloatElement>(_: T.Type) {
            cpuUnary(op, x.input(T.self), out.buffer(T.self), x.count, threads: threads)
        }
        x.dtype.dispatchFloat("unary \(op)", kernel, kernel)
        return out
    }

    public override func binary(_ op: BinaryOp, _ a: Storage, _ aShape: [Int], _ b: Storage, _ bShape: [Int],
                                outShape: [Int]) -> Storage {
        let n = Shape.count(outShape)
        let out = allocate(count: n, dtype: a.dtype)
        let layout = BinaryLayout.of(aShape, a.count, bShape, b.count, outShape, n)
        let threads = numThreads
        func kernel<T: FloatElement>(_: T.Type) {
            cpuBinary(op, a.input(T.self), aShape, b.input(T.self), bShape, out.buffer(T.self), outShape, layout,
                      threads: threads)
        }
        a.dtype.dispatchFloat("binary \(op)", kernel, kernel)
        return out
    }

    public override func expand(_ x: Storage, shape: [Int], to outShape: [Int]) -> Storage {
        let out = allocate(count: Shape.count(outShape), dtype: x.dtype)
        let threads = numThreads
        func kernel<T: StorageElement>(_: T.Type) {
            cpuExpand(x.input(T.self), shape: shape, out.buffer(T.self), outShape: outShape, threads: threads)
        }
        x.dtype.dispatch(kernel, kernel, kernel)
        return out
    }

    // MARK: reductions

    public override func sum(_ x: Storage, shape: [Int], dims: [Int]) -> Storage {
        var count = 1
        for d in shape.indices where !dims.contains(d) { count *= shape[d] }
        let out = allocate(count: count, dtype: x.dtype)
        let threads = numThreads, kernels = vectorKernels
        func kernel<T: StorageElement>(_: T.Type) {
            cpuSum(x.input(T.self), shape: shape, dims: dims, out.buffer(T.self), kernels: kernels, threads: threads)
        }
        x.dtype.dispatch(kernel, kernel, kernel)
        return out
    }

    public override func sumOfSquares(_ x: Storage) -> Double {
        func kernel<T: FloatElement>(_: T.Type) -> Double {
            cpuSumOfSquares(x.input(T.self), x.count)
        }
        func integers(_: Int64.Type) -> Double {
            super.sumOfSquares(x)
        }
        return x.dtype.dispatch(kernel, kernel, integers)
    }

    // MARK: layout

    public override func permute(_ x: Storage, shape: [Int], order: [Int]) -> Storage {
        let out = allocate(count: x.count, dtype: x.dtype)
        let threads = numThreads
        func kernel<T: StorageElement & SIMDScalar>(_: T.Type) {
            cpuPermute(x.input(T.self), out.buffer(T.self), shape: shape, order: order, threads: threads)
        }
        x.dtype.dispatch(kernel, kernel, kernel)
        return out
    }

    // MARK: linear algebra

    public override func gemm(_ a: Storage, _ b: Storage, into c: Storage, m: Int, n: Int, k: Int,
                              transA: Bool, transB: Bool, alpha: Double, beta: Double,
                              batch: Int, strideA: Int, strideB: Int, strideC: Int) {
        // Leading dimensions of at least 1, as BLAS requires: with k = 0 a row-major operand's is
        // 0 (reference BLAS and cuBLAS refuse it; this OpenBLAS lets it pass). C = beta·C then.
        let lda = Swift.max(transA ? m : k, 1)
        let ldb = Swift.max(transB ? k : n, 1)
        let ldc = Swift.max(n, 1)
        let threads = numThreads
        // Many small products (bmm): one per thread at a time; otherwise each splits on its own.
        let work = m * n * k
        let perThread = batch > 1 && work < CPUGemm.parallelWork && batch * work >= CPUGemm.parallelWork
        let inner = perThread ? 1 : threads
        let grain = perThread ? Swift.max(1, CPUGemm.parallelWork / Swift.max(work, 1)) : batch
        let wide = runsOwnFloatGemm
        func kernel<T: BLASElement>(_: T.Type) {
            let pa = a.input(T.self)
            let pb = b.input(T.self)
            let pc = c.buffer(T.self)
            CPUParallel.forRanges(batch, grain: grain, threads: threads) { items in
                for i in items {
                    CPUGemm.multiply(transA, transB, m, n, k, alpha: T(alpha), pa + i * strideA, lda,
                                     pb + i * strideB, ldb, beta: T(beta), pc + i * strideC, ldc, threads: inner,
                                     wide: wide)
                }
            }
        }
        a.dtype.dispatchFloat("matmul", kernel, kernel)
    }

    /// A bias row ([n] or [1, n], Linear's) is added by the product itself (CPUGemm: in the
    /// AVX-512 kernel's store, else written into C before OpenBLAS adds to it); other bias
    /// shapes are broadcast first, as composed.
    public override func addmm(_ bias: Storage, biasShape: [Int], _ a: Storage, _ b: Storage,
                               m: Int, n: Int, k: Int, transA: Bool, transB: Bool) -> Storage {
        guard biasShape.last == n && Shape.count(biasShape) == n else {
            return addmmComposed(bias, biasShape: biasShape, a, b, m: m, n: n, k: k, transA: transA, transB: transB)
        }
        let out = allocate(count: m * n, dtype: a.dtype)
        let threads = numThreads
        let wide = runsOwnFloatGemm
        func kernel<T: BLASElement>(_: T.Type) {
            // Leading dimensions of the operands as stored (at least 1, as BLAS requires).
            let lda = Swift.max(transA ? m : k, 1)
            let ldb = Swift.max(transB ? k : n, 1)
            CPUGemm.multiply(transA, transB, m, n, k, alpha: 1, a.input(T.self), lda, b.input(T.self),
                             ldb, beta: 0, out.buffer(T.self), Swift.max(n, 1), threads: threads, wide: wide,
                             bias: bias.input(T.self))
        }
        a.dtype.dispatchFloat("addmm", kernel, kernel)
        return out
    }

    // MARK: convolution and pooling

    public override func conv2d(_ x: Storage, weight: Storage, bias: Storage?, outChannels: Int,
                                _ g: ConvGeometry) -> Storage {
        let out = allocate(count: g.batch * outChannels * g.outHeight * g.outWidth, dtype: x.dtype)
        let threads = numThreads
        if runsDirectConvolution(x.dtype, g), runsLanesConvolution(g, outChannels: outChannels) {
            lanesConv2d(x.input(Float.self), weight.input(Float.self), bias?.input(Float.self), out.buffer(Float.self),
                        outChannels: outChannels, g, pool: pool, threads: threads, kernels: vectorKernels!)
            return out
        }
        if runsDirectConvolution(x.dtype, g) {
            directConv2d(x.input(Float.self), weight.input(Float.self), bias?.input(Float.self), out.buffer(Float.self),
                         outChannels: outChannels, g, pool: pool, threads: threads, kernels: vectorKernels!)
            return out
        }
        func kernel<T: BLASElement & SIMDScalar>(_: T.Type) {
            cpuConv2d(x.input(T.self), weight.input(T.self), bias?.input(T.self), out.buffer(T.self),
                      outChannels: outChannels, g, pool: pool, threads: threads, wide: runsOwnFloatGemm)
        }
        x.dtype.dispatchFloat("conv2d", kernel, kernel)
        return out
    }

    public override func conv2dBackward(_ grad: Storage, input: Storage, weight: Storage, outChannels: Int,
                                        _ g: ConvGeometry, inputGrad: Bool,
                                        biasGrad: Bool) -> (input: Storage?, weight: Storage, bias: Storage?) {
        let gw = allocate(count: weight.count, dtype: grad.dtype)
        let gx = inputGrad ? allocate(count: input.count, dtype: grad.dtype) : nil
        let threads = numThreads
        if runsDirectConvolution(grad.dtype, g) {
            // Both flat paths sum dB as they go (CPUDirectConvolution.swift).
            let gb = biasGrad ? allocate(count: outChannels, dtype: grad.dtype) : nil
            if runsLanesConvolution(g, outChannels: outChannels) {
                lanesConv2dBackward(grad.input(Float.self), input.input(Float.self), weight.input(Float.self),
                                    gx?.buffer(Float.self), gw.buffer(Float.self), gb?.buffer(Float.self),
                                    outChannels: outChannels, g, pool: pool, threads: threads, kernels: vectorKernels!)
            } else {
                directConv2dBackward(grad.input(Float.self), input.input(Float.self), weight.input(Float.self),
                                     gx?.buffer(Float.self), gw.buffer(Float.self), gb?.buffer(Float.self),
                                     outChannels: outChannels, g, pool: pool, threads: threads, kernels: vectorKernels!)
            }
            return (gx, gw, gb)
        }
        func kernel<T: BLASElement & SIMDScalar>(_: T.Type) {
            cpuConv2dBackward(grad.input(T.self), input.input(T.self), weight.input(T.self), gx?.buffer(T.self),
                              gw.buffer(T.self), outChannels: outChannels, g, pool: pool, threads: threads,
                              wide: runsOwnFloatGemm)
        }
        grad.dtype.dispatchFloat("conv2d", kernel, kernel)
        let gb = biasGrad ? sum(grad, shape: [g.batch, outChannels, g.outHeight * g.outWidth], dims: [0, 2]) : nil
        return (gx, gw, gb)
    }

    /// float32 stride-1 convolutions take CKernels' flat correlations (CPUDirectConvolution.swift).
    private func runsDirectConvolution(_ dtype: DType, _ g: ConvGeometry) -> Bool {
        dtype == .float32 && usesVectorKernels && DirectConvolution.applies(to: g)
    }

    /// Of those, the ones the channels-in-lanes kernels waste less work on (CPULanesConvolution.swift).
    private func runsLanesConvolution(_ g: ConvGeometry, outChannels: Int) -> Bool {
        LanesConvolution.applies(FlatConvolutionLayout(g, outChannels: outChannels), kernels: vectorKernels!)
    }

    /// float32 pooling windows that CKernels' max-pool kernels cover (CPUMaxPool.swift).
    private func runsVectorMaxPool(_ dtype: DType, _ g: ConvGeometry) -> Bool {
        dtype == .float32 && usesVectorKernels && VectorMaxPool.applies(to: g)
    }

    public override func im2col(_ x: Storage, _ g: ConvGeometry) -> Storage {
        let count = g.channels * g.kernelH * g.kernelW * g.batch * g.outHeight * g.outWidth
        let out = allocate(count: count, dtype: x.dtype)
        let threads = numThreads
        func kernel<T: FloatElement & SIMDScalar>(_: T.Type) {
            cpuIm2col(x.input(T.self), out.buffer(T.self), g, threads: threads)
        }
        x.dtype.dispatchFloat("conv2d", kernel, kernel)
        return out
    }

    public override func col2im(_ cols: Storage, _ g: ConvGeometry) -> Storage {
        let out = allocate(count: g.batch * g.channels * g.height * g.width, dtype: cols.dtype)
        let threads = numThreads
        func kernel<T: FloatElement & SIMDScalar>(_: T.Type) {
            cpuCol2im(cols.input(T.self), out.buffer(T.self), g, threads: threads)
        }
        cols.dtype.dispatchFloat("conv2d", kernel, kernel)
        return out
    }

    public override func maxPool2d(_ x: Storage, _ g: ConvGeometry) -> (values: Storage, indices: Storage) {
        let count = g.batch * g.channels * g.outHeight * g.outWidth
        let values = allocate(count: count, dtype: x.dtype)
        let indices = allocate(count: count, dtype: .int64)
        let threads = numThreads
        if runsVectorMaxPool(x.dtype, g) {
            VectorMaxPool.run(x.input(Float.self), values.buffer(Float.self), indices.buffer(Int64.self), g,
                              threads: threads, kernels: vectorKernels!)
            return (values, indices)
        }
        func kernel<T: FloatElement>(_: T.Type) {
            cpuMaxPool(x.input(T.self), values.buffer(T.self), indices.buffer(Int64.self), g, threads: threads)
        }
        x.dtype.dispatchFloat("max_pool2d", kernel, kernel)
        return (values, indices)
    }

    public override func maxPool2dBackward(_ grad: Storage, indices: Storage, _ g: ConvGeometry) -> Storage {
        let out = allocate(count: g.batch * g.channels * g.height * g.width, dtype: grad.dtype)
        let idx = indices.input(Int64.self)
        let threads = numThreads
        if runsVectorMaxPool(grad.dtype, g) {
            VectorMaxPool.backward(grad.input(Float.self), idx, out.buffer(Float.self), g, threads: threads,
                                   kernels: vectorKernels!)
            return out
        }
        func kernel<T: FloatElement>(_: T.Type) {
            cpuMaxPoolBackward(grad.input(T.self), idx, out.buffer(T.self), g, threads: threads)
        }
        grad.dtype.dispatchFloat("max_pool2d", kernel, kernel)
        return out
    }

    // MARK: softmax, indexing, losses

    public override func logSoftmax(_ x: Storage, outer: Int, size: Int, inner: Int) -> Storage {
        let out = allocate(count: x.count, dtype: x.dtype)
        let threads = numThreads
        if x.dtype == .float32, inner == 1, let kernels = vectorKernels, kernels.hasRowSoftmax {
            cpuLogSoftmaxRows(x.input(Float.self), out.buffer(Float.self), rows: outer, size: size, kernels: kernels,
                              threads: threads)
            return out
        }
        func kernel<T: FloatElement>(_: T.Type) {
            cpuLogSoftmax(x.input(T.self), out.buffer(T.self), outer: outer, size: size, inner: inner, threads: threads)
        }
        x.dtype.dispatchFloat("log_softmax", kernel, kernel)
        return out
    }

    public override func logSoftmaxBackward(_ grad: Storage, output: Storage, outer: Int, size: Int,
                                            inner: Int) -> Storage {
        let out = allocate(count: grad.count, dtype: grad.dtype)
        let threads = numThreads
        if grad.dtype == .float32, inner == 1, let kernels = vectorKernels, kernels.hasRowSoftmax {
            cpuLogSoftmaxBackwardRows(grad.input(Float.self), output.input(Float.self), out.buffer(Float.self),
                                      rows: outer, size: size, kernels: kernels, threads: threads)
            return out
        }
        func kernel<T: FloatElement>(_: T.Type) {
            cpuLogSoftmaxBackward(grad.input(T.self), output.input(T.self), out.buffer(T.self),
                                  outer: outer, size: size, inner: inner, threads: threads)
        }
        grad.dtype.dispatchFloat("log_softmax", kernel, kernel)
        return out
    }

    public override func gather(_ x: Storage, outer: Int, size: Int, inner: Int, index: Storage,
                                indexSize: Int) -> Storage {
        let out = allocate(count: outer * indexSize * inner, dtype: x.dtype)
        let idx = index.input(Int64.self)
        func kernel<T: StorageElement>(_: T.Type) {
            cpuGather(x.input(T.self), idx, out.buffer(T.self), outer: outer, size: size, inner: inner,
                      indexSize: indexSize)
        }
        x.dtype.dispatch(kernel, kernel, kernel)
        return out
    }

    public override func scatterAdd(_ grad: Storage, outer: Int, size: Int, inner: Int, index: Storage,
                                    indexSize: Int) -> Storage {
        let out = allocate(count: outer * size * inner, dtype: grad.dtype)
        let idx = index.input(Int64.self)
        func kernel<T: StorageElement>(_: T.Type) {
            cpuScatterAdd(grad.input(T.self), idx, out.buffer(T.self), outer: outer, size: size, inner: inner,
                          indexSize: indexSize)
        }
        grad.dtype.dispatch(kernel, kernel, kernel)
        return out
    }

    // MARK: optimizers

    public override func sgdStep(parameter: Storage, grad: Storage, momentumBuffer: Storage?, _ h: SGDHyper) {
        let threads = numThreads
        if parameter.dtype == .float32, let kernels = vectorKernels {
            cpuSGD(parameter.buffer(Float.self), grad.input(Float.self), momentumBuffer?.buffer(Float.self), parameter.count,
                   h, kernels: kernels, threads: threads)
            return
        }
        func kernel<T: FloatElement>(_: T.Type) {
            cpuSGD(parameter.buffer(T.self), grad.input(T.self), momentumBuffer?.buffer(T.self), parameter.count, h,
                   threads: threads)
        }
        parameter.dtype.dispatchFloat("the optimizer step", kernel, kernel)
    }

    public override func adamStep(parameter: Storage, grad: Storage, m: Storage, v: Storage, _ h: AdamHyper) {
        let threads = numThreads
        if parameter.dtype == .float32, let kernels = vectorKernels {
            cpuAdam(parameter.buffer(Float.self), grad.input(Float.self), m.buffer(Float.self), v.buffer(Float.self),
                    parameter.count, h, kernels: kernels, threads: threads)
            return
        }
        func kernel<T: FloatElement>(_: T.Type) {
            cpuAdam(parameter.buffer(T.self), grad.input(T.self), m.buffer(T.self), v.buffer(T.self),
                    parameter.count, h, threads: threads)
        }
        parameter.dtype.dispatchFloat("the optimizer step", kernel, kernel)
    }
}
