#if canImport(Glibc)
import Glibc
#endif

/// The living definition of every kernel: plain loops, one element at a time, no tricks.
///
/// It is slow on purpose and easy to read; the fast backends are tested against it. `CPUBackend`
/// subclasses it and overrides the kernels that matter for speed, so anything it does not
/// override falls back to this definition. Stateless, hence safe to share between threads.
open class ReferenceBackend: Backend, @unchecked Sendable {
    // @unchecked: an open class cannot conform to Sendable checked (a subclass could add mutable
    // state). This one has no stored properties at all; each kernel call touches only the
    // storages it is given. A subclass must keep its own state thread-safe (CPUBackend says how).
    public init() {}

    open var device: Device { .cpu }
    open var name: String { "reference" }

    // MARK: memory

    open func allocate(count: Int, dtype: DType) -> Storage {
        let bytes = Swift.max(count * dtype.byteSize, 1)
        var raw: UnsafeMutableRawPointer?
        // Called outside the check: -Ounchecked release builds drop preconditions, arguments and all.
        let status = posix_memalign(&raw, 64, bytes)
        if status != 0 {
            fatalError("out of memory allocating \(bytes) bytes")
        }
        return Storage.wrapping(pointer: raw!, count: count, dtype: dtype, backend: self, device: .cpu)
    }

    open func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        free(pointer)
    }

    open func upload(_ bytes: UnsafeRawBufferPointer, count: Int, dtype: DType) -> Storage {
        let s = allocate(count: count, dtype: dtype)
        if count > 0 {
            s.pointer.copyMemory(from: bytes.baseAddress!, byteCount: count * dtype.byteSize)
        }
        return s
    }

    open func download(_ storage: Storage, into bytes: UnsafeMutableRawBufferPointer) {
        if storage.count > 0 {
            bytes.baseAddress!.copyMemory(from: storage.pointer, byteCount: storage.byteCount)
        }
    }

    open func fill(_ storage: Storage, with value: Double) {
        func kernel<T: StorageElement>(_: T.Type) {
            storage.buffer(T.self).update(repeating: T(fromDouble: value), count: storage.count)
        }
        storage.dtype.dispatch(kernel, kernel, kernel)
    }

    open func copy(_ storage: Storage) -> Storage {
        let s = allocate(count: storage.count, dtype: storage.dtype)
        copy(storage, into: s)
        return s
    }

    open func copy(_ source: Storage, into destination: Storage) {
        ensure(source.count == destination.count && source.dtype == destination.dtype, "copy: storages differ")
        if source.count > 0 {
            destination.pointer.copyMemory(from: source.pointer, byteCount: source.byteCount)
        }
    }

    open func cast(_ storage: Storage, to dtype: DType) -> Storage {
        let out = allocate(count: storage.count, dtype: dtype)
        func from<S: StorageElement>(_: S.Type) {
            func to<D: StorageElement>(_: D.Type) {
                referenceCast(storage.buffer(S.self), out.buffer(D.self), storage.count)
            }
            dtype.dispatch(to, to, to)
        }
        storage.dtype.dispatch(from, from, from)
        return out
    }

    // MARK: elementwise

    open func unary(_ op: UnaryOp, _ x: Storage) -> Storage {
        let out = allocate(count: x.count, dtype: x.dtype)
        func kernel<T: FloatElement>(_: T.Type) {
            referenceUnary(op, x.buffer(T.self), out.buffer(T.self), x.count)
        }
        x.dtype.dispatchFloat("unary \(op)", kernel, kernel)
        return out
    }

    open func binary(_ op: BinaryOp, _ a: Storage, _ aShape: [Int], _ b: Storage, _ bShape: [Int],
                     outShape: [Int]) -> Storage {
        let out = allocate(count: Shape.count(outShape), dtype: a.dtype)
        let ia = BroadcastIndex(from: aShape, to: outShape)
        let ib = BroadcastIndex(from: bShape, to: outShape)
        func kernel<T: FloatElement>(_: T.Type) {
            referenceBinary(op, a.buffer(T.self), ia, b.buffer(T.self), ib, out.buffer(T.self), outShape)
        }
        a.dtype.dispatchFloat("binary \(op)", kernel, kernel)
        return out
    }

    open func expand(_ x: Storage, shape: [Int], to outShape: [Int]) -> Storage {
        let out = allocate(count: Shape.count(outShape), dtype: x.dtype)
        let ix = BroadcastIndex(from: shape, to: outShape)
        let n = Shape.count(outShape)
        let size = x.dtype.byteSize
        var counter = IndexCounter(outShape)
        for i in 0..<n {
            (out.pointer + i * size).copyMemory(from: x.pointer + ix.offset(counter.index) * size, byteCount: size)
            counter.advance()
        }
        return out
    }

    // MARK: reductions

    open func sum(_ x: Storage, shape: [Int], dims: [Int]) -> Storage {
        var outShape = shape
        for d in dims {
            outShape[d] = 1
        }
        let out = allocate(count: Shape.count(outShape), dtype: x.dtype)
        fill(out, with: 0)
        func kernel<T: StorageElement>(_: T.Type) {
            referenceSum(x.buffer(T.self), shape, out.buffer(T.self), outShape)
        }
        x.dtype.dispatch(kernel, kernel, kernel)
        return out
    }

    open func max(_ x: Storage, outer: Int, size: Int, inner: Int) -> (values: Storage, indices: Storage) {
        let values = allocate(count: outer * inner, dtype: x.dtype)
        let indices = allocate(count: outer * inner, dtype: .int64)
        func kernel<T: FloatElement>(_: T.Type) {
            referenceMax(x.buffer(T.self), values.buffer(T.self), indices.buffer(Int64.self), outer, size, inner)
        }
        x.dtype.dispatchFloat("max", kernel, kernel)
        return (values, indices)
    }

    open func sumOfSquares(_ x: Storage) -> Double {
        func kernel<T: StorageElement>(_: T.Type) -> Double {
            referenceSumOfSquares(x.buffer(T.self), x.count)
        }
        return x.dtype.dispatch(kernel, kernel, kernel)
    }

    // MARK: layout

    open func permute(_ x: Storage, shape: [Int], order: [Int]) -> Storage {
        let outShape = order.map { shape[$0] }
        let inStrides = Shape.strides(shape)
        let permutedStrides = order.map { inStrides[$0] }
        let out = allocate(count: x.count, dtype: x.dtype)
        let size = x.dtype.byteSize
        var counter = IndexCounter(outShape)
        for i in 0..<x.count {
            var offset = 0
            for d in 0..<outShape.count {
                offset += counter.index[d] * permutedStrides[d]
            }
            (out.pointer + i * size).copyMemory(from: x.pointer + offset * size, byteCount: size)
            counter.advance()
        }
        return out
    }

    // MARK: linear algebra

    open func gemm(_ a: Storage, _ b: Storage, into c: Storage, m: Int, n: Int, k: Int,
                   transA: Bool, transB: Bool, alpha: Double, beta: Double,
                   batch: Int, strideA: Int, strideB: Int, strideC: Int) {
        func kernel<T: FloatElement>(_: T.Type) {
            referenceGemm(a.buffer(T.self), b.buffer(T.self), c.buffer(T.self), m, n, k, transA, transB,
                          T(alpha), T(beta), batch, strideA, strideB, strideC)
        }
        a.dtype.dispatchFloat("matmul", kernel, kernel)
    }

    open func addmm(_ bias: Storage, biasShape: [Int], _ a: Storage, _ b: Storage, m: Int, n: Int, k: Int,
                    transA: Bool, transB: Bool) -> Storage {
        addmmComposed(bias, biasShape: biasShape, a, b, m: m, n: n, k: k, transA: transA, transB: transB)
    }

    // MARK: convolution and pooling

    open func im2col(_ x: Storage, _ g: ConvGeometry) -> Storage {
        let rows = g.channels * g.kernelH * g.kernelW
        let cols = g.batch * g.outHeight * g.outWidth
        let out = allocate(count: rows * cols, dtype: x.dtype)
        func kernel<T: FloatElement>(_: T.Type) {
            referenceIm2col(x.buffer(T.self), out.buffer(T.self), g)
        }
        x.dtype.dispatchFloat("conv2d", kernel, kernel)
        return out
    }

    open func col2im(_ cols: Storage, _ g: ConvGeometry) -> Storage {
        let out = allocate(count: g.batch * g.channels * g.height * g.width, dtype: cols.dtype)
        fill(out, with: 0)
        func kernel<T: FloatElement>(_: T.Type) {
            referenceCol2im(cols.buffer(T.self), out.buffer(T.self), g)
        }
        cols.dtype.dispatchFloat("conv2d", kernel, kernel)
        return out
    }

    open func conv2d(_ x: Storage, weight: Storage, bias: Storage?, outChannels: Int, _ g: ConvGeometry) -> Storage {
        conv2dComposed(x, weight: weight, bias: bias, outChannels: outChannels, g)
    }

    open func conv2dBackward(_ grad: Storage, input: Storage, weight: Storage, outChannels: Int, _ g: ConvGeometry,
                             inputGrad: Bool, biasGrad: Bool) -> (input: Storage?, weight: Storage, bias: Storage?) {
        conv2dBackwardComposed(grad, input: input, weight: weight, outChannels: outChannels, g,
                               inputGrad: inputGrad, biasGrad: biasGrad)
    }

    open func maxPool2d(_ x: Storage, _ g: ConvGeometry) -> (values: Storage, indices: Storage) {
        let count = g.batch * g.channels * g.outHeight * g.outWidth
        let values = allocate(count: count, dtype: x.dtype)
        let indices = allocate(count: count, dtype: .int64)
        func kernel<T: FloatElement>(_: T.Type) {
            referenceMaxPool(x.buffer(T.self), values.buffer(T.self), indices.buffer(Int64.self), g)
        }
        x.dtype.dispatchFloat("max_pool2d", kernel, kernel)
        return (values, indices)
    }

    open func maxPool2dBackward(_ grad: Storage, indices: Storage, _ g: ConvGeometry) -> Storage {
        let out = allocate(count: g.batch * g.channels * g.height * g.width, dtype: grad.dtype)
        fill(out, with: 0)
        func kernel<T: FloatElement>(_: T.Type) {
            referenceMaxPoolBackward(grad.buffer(T.self), indices.buffer(Int64.self), out.buffer(T.self), g)
        }
        grad.dtype.dispatchFloat("max_pool2d", kernel, kernel)
        return out
    }

    // MARK: softmax, indexing, losses

    open func logSoftmax(_ x: Storage, outer: Int, size: Int, inner: Int) -> Storage {
        let out = allocate(count: x.count, dtype: x.dtype)
        func kernel<T: FloatElement>(_: T.Type) {
            referenceLogSoftmax(x.buffer(T.self), out.buffer(T.self), outer, size, inner)
        }
        x.dtype.dispatchFloat("log_softmax", kernel, kernel)
        return out
    }

    open func logSoftmaxBackward(_ grad: Storage, output: Storage, outer: Int, size: Int, inner: Int) -> Storage {
        let out = allocate(count: grad.count, dtype: grad.dtype)
        func kernel<T: FloatElement>(_: T.Type) {
            referenceLogSoftmaxBackward(grad.buffer(T.self), output.buffer(T.self), out.buffer(T.self),
                                        outer, size, inner)
        }
        grad.dtype.dispatchFloat("log_softmax", kernel, kernel)
        return out
    }

    open func gather(_ x: Storage, outer: Int, size: Int, inner: Int, index: Storage, indexSize: Int) -> Storage {
        let out = allocate(count: outer * indexSize * inner, dtype: x.dtype)
        let idx = index.buffer(Int64.self)
        let esize = x.dtype.byteSize
        for o in 0..<outer {
            for j in 0..<indexSize {
                for i in 0..<inner {
                    let dst = (o * indexSize + j) * inner + i
                    let k = Int(idx[dst])
                    ensure(k >= 0 && k < size, "gather: index \(k) is out of bounds for dimension with size \(size)")
                    let src = (o * size + k) * inner + i
                    (out.pointer + dst * esize).copyMemory(from: x.pointer + src * esize, byteCount: esize)
                }
            }
        }
        return out
    }

    open func scatterAdd(_ grad: Storage, outer: Int, size: Int, inner: Int, index: Storage,
                         indexSize: Int) -> Storage {
        let out = allocate(count: outer * size * inner, dtype: grad.dtype)
        fill(out, with: 0)
        func kernel<T: StorageElement>(_: T.Type) {
            referenceScatterAdd(grad.buffer(T.self), index.buffer(Int64.self), out.buffer(T.self),
                                outer, size, inner, indexSize)
        }
        grad.dtype.dispatch(kernel, kernel, kernel)
        return out
    }

    // MARK: optimizers

    open func sgdStep(parameter: Storage, grad: Storage, momentumBuffer: Storage?, _ h: SGDHyper) {
        func kernel<T: FloatElement>(_: T.Type) {
            referenceSGD(parameter.buffer(T.self), grad.buffer(T.self), momentumBuffer?.buffer(T.self),
                         parameter.count, h)
        }
        parameter.dtype.dispatchFloat("the optimizer step", kernel, kernel)
    }

    open func adamStep(parameter: Storage, grad: Storage, m: Storage, v: Storage, _ h: AdamHyper) {
        func kernel<T: FloatElement>(_: T.Type) {
            referenceAdam(parameter.buffer(T.self), grad.buffer(T.self), m.buffer(T.self), v.buffer(T.self),
                          parameter.count, h)
        }
        parameter.dtype.dispatchFloat("the optimizer step", kernel, kernel)
    }
}
