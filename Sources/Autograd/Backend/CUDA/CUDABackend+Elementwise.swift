/// Pointwise kernels, broadcasting through per-operand strides, and the strided copies that
/// materialise expand and permute.
extension CUDABackend {
    public func unary(_ op: UnaryOp, _ x: Storage) -> Storage {
        ensure(x.dtype.isFloatingPoint, "unary \(op) is not defined for int64 tensors")
        let out = allocate(count: x.count, dtype: x.dtype)
        let (code, scalar) = CUDAKernelSource.code(op)
        var args = arguments()
        args.pointer(x)
        args.pointer(out)
        args.int(x.count)
        args.int(code)
        args.double(scalar)
        launch(.unary, x.dtype, elements: x.count, args)
        return out
    }

    public func binary(_ op: BinaryOp, _ a: Storage, _ aShape: [Int], _ b: Storage, _ bShape: [Int], outShape: [Int]) -> Storage {
        ensure(a.dtype.isFloatingPoint, "binary \(op) is not defined for int64 tensors")
        ensure(a.dtype == b.dtype, "binary \(op): \(a.dtype) and \(b.dtype)")
        let n = Shape.count(outShape)
        let out = allocate(count: n, dtype: a.dtype)
        let layout = StridedLayout.broadcast([aShape, bShape], to: outShape)
        var args = arguments()
        args.pointer(a)
        args.pointer(b)
        args.pointer(out)
        args.int(n)
        args.int(CUDAKernelSource.code(op))
        args.int(layout.rank)
        args.dims(layout.sizes)
        args.dims(layout.strides[0])
        args.dims(layout.strides[1])
        launch(.binary, a.dtype, elements: n, args)
        return out
    }

    public func expand(_ x: Storage, shape: [Int], to outShape: [Int]) -> Storage {
        stridedCopy(x, StridedLayout.broadcast([shape], to: outShape), count: Shape.count(outShape))
    }

    public func permute(_ x: Storage, shape: [Int], order: [Int]) -> Storage {
        stridedCopy(x, StridedLayout.permutation(of: shape, order: order), count: x.count)
    }

    private func stridedCopy(_ x: Storage, _ layout: StridedLayout, count: Int) -> Storage {
        let out = allocate(count: count, dtype: x.dtype)
        var args = arguments()
        args.pointer(x)
        args.pointer(out)
        args.int(count)
        args.int(layout.rank)
        args.dims(layout.sizes)
        args.dims(layout.strides[0])
        launch(.stridedCopy, x.dtype, elements: count, args)
        return out
    }
}
