#if canImport(Glibc)
import Glibc
#endif

/// The living definition of every kernel: plain loops, one element at a time, no tricks.
///
/// It is slow on purpose and easy to read; the fast backends are tested against it. `CPUBackend`
/// subclasses it and overrides the kernels that matter for speed, so anything it does not
/// override falls back to this definition. Stateless, hence safe to share between threads.
open class ReferenceBackend: Backend, @unchecked Sendable {
    public init() {}

    open var device: Device { .cpu }
    open var name: String { "reference" }

    // MARK: memory

    open func allocate(count: Int, dtype: DType) -> Storage {
        let bytes = Swift.max(count * dtype.byteSize, 1)
        var raw: UnsafeMutableRawPointer?
        // Called outside the check: -Ounchecked release builds drop preconditions, arguments and all.
        let status = posix_memalign(&raw, 64, bytes)
        if status != 0 { fatalError("out of memory allocating \(bytes) bytes") }
        return Storage(pointer: raw!, count: count, dtype: dtype, backend: self)
    }

    open func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        free(pointer)
    }

    open func upload(_ bytes: UnsafeRawBufferPointer, count: Int, dtype: DType) -> Storage {
        let s = allocate(count: count, dtype: dtype)
        if count > 0 { s.pointer.copyMemory(from: bytes.baseAddress!, byteCount: count * dtype.byteSize) }
        return s
    }

    open func download(_ storage: Storage, into bytes: UnsafeMutableRawBufferPointer) {
        if storage.count > 0 { bytes.baseAddress!.copyMemory(from: storage.pointer, byteCount: storage.byteCount) }
    }

    open func fill(_ storage: Storage, with value: Double) {
        switch storage.dtype {
        case .float32: storage.buffer(Float.self).update(repeating: Float(value), count: storage.count)
        case .float64: storage.buffer(Double.self).update(repeating: value, count: storage.count)
        case .int64: storage.buffer(Int64.self).update(repeating: Int64(value), count: storage.count)
        }
    }

    open func copy(_ storage: Storage) -> Storage {
        let s = allocate(count: storage.count, dtype: storage.dtype)
        copy(storage, into: s)
        return s
    }

    open func copy(_ source: Storage, into destination: Storage) {
        ensure(source.count == destination.count && source.dtype == destination.dtype, "copy: storages differ")
        if source.count > 0 { destination.pointer.copyMemory(from: source.pointer, byteCount: source.byteCount) }
    }

    open func cast(_ storage: Storage, to dtype: DType) -> Storage {
        let out = allocate(count: storage.count, dtype: dtype)
        for i in 0..<storage.count {
            let v: Double
            switch storage.dtype {
            case .float32: v = Double(storage.buffer(Float.self)[i])
            case .float64: v = storage.buffer(Double.self)[i]
            case .int64: v = Double(storage.buffer(Int64.self)[i])
            }
            switch dtype {
            case .float32: out.buffer(Float.self)[i] = Float(v)
            case .float64: out.buffer(Double.self)[i] = v
            case .int64: out.buffer(Int64.self)[i] = Int64(v.rounded(.towardZero))
            }
        }
        return out
    }

    // MARK: elementwise

    open func unary(_ op: UnaryOp, _ x: Storage) -> Storage {
        let out = allocate(count: x.count, dtype: x.dtype)
        switch x.dtype {
        case .float32: referenceUnary(op, x.buffer(Float.self), out.buffer(Float.self), x.count)
        case .float64: referenceUnary(op, x.buffer(Double.self), out.buffer(Double.self), x.count)
        case .int64: fatalError("unary \(op) is not defined for int64 tensors")
        }
        return out
    }

    open func binary(_ op: BinaryOp, _ a: Storage, _ aShape: [Int], _ b: Storage, _ bShape: [Int], outShape: [Int]) -> Storage {
        let out = allocate(count: Shape.count(outShape), dtype: a.dtype)
        let ia = BroadcastIndex(from: aShape, to: outShape)
        let ib = BroadcastIndex(from: bShape, to: outShape)
        switch a.dtype {
        case .float32:
            referenceBinary(op, a.buffer(Float.self), ia, b.buffer(Float.self), ib, out.buffer(Float.self), outShape)
        case .float64:
            referenceBinary(op, a.buffer(Double.self), ia, b.buffer(Double.self), ib, out.buffer(Double.self), outShape)
        case .int64: fatalError("binary \(op) is not defined for int64 tensors")
        }
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
        for d in dims { outShape[d] = 1 }
        let out = allocate(count: Shape.count(outShape), dtype: x.dtype)
        fill(out, with: 0)
        let io = BroadcastIndex(from: outShape, to: shape)
        var counter = IndexCounter(shape)
        switch x.dtype {
        case .float32:
            let src = x.buffer(Float.self), dst = out.buffer(Float.self)
            for i in 0..<x.count { dst[io.offset(counter.index)] += src[i]; counter.advance() }
        case .float64:
            let src = x.buffer(Double.self), dst = out.buffer(Double.self)
            for i in 0..<x.count { dst[io.offset(counter.index)] += src[i]; counter.advance() }
        case .int64:
            let src = x.buffer(Int64.self), dst = out.buffer(Int64.self)
            for i in 0..<x.count { dst[io.offset(counter.index)] += src[i]; counter.advance() }
        }
        return out
    }

    open func max(_ x: Storage, outer: Int, size: Int, inner: Int) -> (values: Storage, indices: Storage) {
        let values = allocate(count: outer * inner, dtype: x.dtype)
        let indices = allocate(count: outer * inner, dtype: .int64)
        switch x.dtype {
        case .float32: referenceMax(x.buffer(Float.self), values.buffer(Float.self), indices.buffer(Int64.self), outer, size, inner)
        case .float64: referenceMax(x.buffer(Double.self), values.buffer(Double.self), indices.buffer(Int64.self), outer, size, inner)
        case .int64: fatalError("max is not defined for int64 tensors here")
        }
        return (values, indices)
    }

    open func sumOfSquares(_ x: Storage) -> Double {
        var total = 0.0
        switch x.dtype {
        case .float32: for i in 0..<x.count { let v = Double(x.buffer(Float.self)[i]); total += v * v }
        case .float64: for i in 0..<x.count { let v = x.buffer(Double.self)[i]; total += v * v }
        case .int64: for i in 0..<x.count { let v = Double(x.buffer(Int64.self)[i]); total += v * v }
        }
        return total
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
            for d in 0..<outShape.count { offset += counter.index[d] * permutedStrides[d] }
            (out.pointer + i * size).copyMemory(from: x.pointer + offset * size, byteCount: size)
            counter.advance()
        }
        return out
    }

    // MARK: linear algebra

    open func gemm(_ a: Storage, _ b: Storage, into c: Storage, m: Int, n: Int, k: Int,
                   transA: Bool, transB: Bool, alpha: Double, beta: Double,
                   batch: Int, strideA: Int, strideB: Int, strideC: Int) {
        switch a.dtype {
        case .float32:
            referenceGemm(a.buffer(Float.self), b.buffer(Float.self), c.buffer(Float.self), m, n, k, transA, transB,
                          Float(alpha), Float(beta), batch, strideA, strideB, strideC)
        case .float64:
            referenceGemm(a.buffer(Double.self), b.buffer(Double.self), c.buffer(Double.self), m, n, k, transA, transB,
                          alpha, beta, batch, strideA, strideB, strideC)
        case .int64: fatalError("matmul is not defined for int64 tensors")
        }
    }

    // MARK: convolution and pooling

    open func im2col(_ x: Storage, _ g: ConvGeometry) -> Storage {
        let rows = g.channels * g.kernelH * g.kernelW
        let cols = g.batch * g.outHeight * g.outWidth
        let out = allocate(count: rows * cols, dtype: x.dtype)
        switch x.dtype {
        case .float32: referenceIm2col(x.buffer(Float.self), out.buffer(Float.self), g)
        case .float64: referenceIm2col(x.buffer(Double.self), out.buffer(Double.self), g)
        case .int64: fatalError("conv2d is not defined for int64 tensors")
        }
        return out
    }

    open func col2im(_ cols: Storage, _ g: ConvGeometry) -> Storage {
        let out = allocate(count: g.batch * g.channels * g.height * g.width, dtype: cols.dtype)
        fill(out, with: 0)
        switch cols.dtype {
        case .float32: referenceCol2im(cols.buffer(Float.self), out.buffer(Float.self), g)
        case .float64: referenceCol2im(cols.buffer(Double.self), out.buffer(Double.self), g)
        case .int64: fatalError("conv2d is not defined for int64 tensors")
        }
        return out
    }

    open func conv2d(_ x: Storage, weight: Storage, bias: Storage?, outChannels: Int, _ g: ConvGeometry) -> Storage {
        conv2dComposed(x, weight: weight, bias: bias, outChannels: outChannels, g)
    }

    open func conv2dBackward(_ grad: Storage, input: Storage, weight: Storage, outChannels: Int, _ g: ConvGeometry,
                             inputGrad: Bool, biasGrad: Bool) -> (input: Storage?, weight: Storage, bias: Storage?) {
        conv2dBackwardComposed(grad, input: input, weight: weight, outChannels: outChannels, g, inputGrad: inputGrad, biasGrad: biasGrad)
    }

    open func maxPool2d(_ x: Storage, _ g: ConvGeometry) -> (values: Storage, indices: Storage) {
        let count = g.batch * g.channels * g.outHeight * g.outWidth
        let values = allocate(count: count, dtype: x.dtype)
        let indices = allocate(count: count, dtype: .int64)
        switch x.dtype {
        case .float32: referenceMaxPool(x.buffer(Float.self), values.buffer(Float.self), indices.buffer(Int64.self), g)
        case .float64: referenceMaxPool(x.buffer(Double.self), values.buffer(Double.self), indices.buffer(Int64.self), g)
        case .int64: fatalError("max_pool2d is not defined for int64 tensors")
        }
        return (values, indices)
    }

    open func maxPool2dBackward(_ grad: Storage, indices: Storage, _ g: ConvGeometry) -> Storage {
        let out = allocate(count: g.batch * g.channels * g.height * g.width, dtype: grad.dtype)
        fill(out, with: 0)
        let planes = g.batch * g.channels
        let outPlane = g.outHeight * g.outWidth
        let inPlane = g.height * g.width
        let idx = indices.buffer(Int64.self)
        switch grad.dtype {
        case .float32:
            let src = grad.buffer(Float.self), dst = out.buffer(Float.self)
            for p in 0..<planes { for j in 0..<outPlane { dst[p * inPlane + Int(idx[p * outPlane + j])] += src[p * outPlane + j] } }
        case .float64:
            let src = grad.buffer(Double.self), dst = out.buffer(Double.self)
            for p in 0..<planes { for j in 0..<outPlane { dst[p * inPlane + Int(idx[p * outPlane + j])] += src[p * outPlane + j] } }
        case .int64: fatalError("max_pool2d is not defined for int64 tensors")
        }
        return out
    }

    // MARK: softmax, indexing, losses

    open func logSoftmax(_ x: Storage, outer: Int, size: Int, inner: Int) -> Storage {
        let out = allocate(count: x.count, dtype: x.dtype)
        switch x.dtype {
        case .float32: referenceLogSoftmax(x.buffer(Float.self), out.buffer(Float.self), outer, size, inner)
        case .float64: referenceLogSoftmax(x.buffer(Double.self), out.buffer(Double.self), outer, size, inner)
        case .int64: fatalError("log_softmax is not defined for int64 tensors")
        }
        return out
    }

    open func logSoftmaxBackward(_ grad: Storage, output: Storage, outer: Int, size: Int, inner: Int) -> Storage {
        let out = allocate(count: grad.count, dtype: grad.dtype)
        switch grad.dtype {
        case .float32: referenceLogSoftmaxBackward(grad.buffer(Float.self), output.buffer(Float.self), out.buffer(Float.self), outer, size, inner)
        case .float64: referenceLogSoftmaxBackward(grad.buffer(Double.self), output.buffer(Double.self), out.buffer(Double.self), outer, size, inner)
        case .int64: fatalError("log_softmax is not defined for int64 tensors")
        }
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
                    (out.pointer + dst * esize).copyMemory(from: x.pointer + ((o * size + k) * inner + i) * esize, byteCount: esize)
                }
            }
        }
        return out
    }

    open func scatterAdd(_ grad: Storage, outer: Int, size: Int, inner: Int, index: Storage, indexSize: Int) -> Storage {
        let out = allocate(count: outer * size * inner, dtype: grad.dtype)
        fill(out, with: 0)
        let idx = index.buffer(Int64.self)
        for o in 0..<outer {
            for j in 0..<indexSize {
                for i in 0..<inner {
                    let src = (o * indexSize + j) * inner + i
                    let dst = (o * size + Int(idx[src])) * inner + i
                    switch grad.dtype {
                    case .float32: out.buffer(Float.self)[dst] += grad.buffer(Float.self)[src]
                    case .float64: out.buffer(Double.self)[dst] += grad.buffer(Double.self)[src]
                    case .int64: out.buffer(Int64.self)[dst] += grad.buffer(Int64.self)[src]
                    }
                }
            }
        }
        return out
    }

    // MARK: optimizers

    open func sgdStep(parameter: Storage, grad: Storage, momentumBuffer: Storage?, _ h: SGDHyper) {
        switch parameter.dtype {
        case .float32:
            referenceSGD(parameter.buffer(Float.self), grad.buffer(Float.self), momentumBuffer?.buffer(Float.self), parameter.count, h)
        case .float64:
            referenceSGD(parameter.buffer(Double.self), grad.buffer(Double.self), momentumBuffer?.buffer(Double.self), parameter.count, h)
        case .int64: fatalError("optimizers update floating-point parameters only")
        }
    }

    open func adamStep(parameter: Storage, grad: Storage, m: Storage, v: Storage, _ h: AdamHyper) {
        switch parameter.dtype {
        case .float32:
            referenceAdam(parameter.buffer(Float.self), grad.buffer(Float.self), m.buffer(Float.self), v.buffer(Float.self), parameter.count, h)
        case .float64:
            referenceAdam(parameter.buffer(Double.self), grad.buffer(Double.self), m.buffer(Double.self), v.buffer(Double.self), parameter.count, h)
        case .int64: fatalError("optimizers update floating-point parameters only")
        }
    }
}
