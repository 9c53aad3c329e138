/// Max pooling forward and backward: one thread per element written (see
/// CUDAKernelSource+Convolution.swift; the backward gathers, so it needs no atomics).
extension CUDABackend {
    public func maxPool2d(_ x: Storage, _ g: ConvGeometry) -> (values: Storage, indices: Storage) {
        ensure(x.dtype.isFloatingPoint, "max_pool2d is not defined for int64 tensors")
        let count = g.batch * g.channels * g.outHeight * g.outWidth
        let values = allocate(count: count, dtype: x.dtype)
        let indices = allocate(count: count, dtype: .int64)
        var args = arguments()
        args.pointer(x)
        args.pointer(values)
        args.pointer(indices)
        args.geometry(g)
        launch(.maxPool, x.dtype, elements: count, args)
        return (values, indices)
    }

    public func maxPool2dBackward(_ grad: Storage, indices: Storage, _ g: ConvGeometry) -> Storage {
        ensure(grad.dtype.isFloatingPoint, "max_pool2d is not defined for int64 tensors")
        let count = g.batch * g.channels * g.height * g.width
        let out = allocate(count: count, dtype: grad.dtype)
        var args = arguments()
        args.pointer(grad)
        args.pointer(out)
        args.pointer(indices)
        args.geometry(g)
        launch(.maxPoolBackward, grad.dtype, elements: count, args)
        return out
    }
}
