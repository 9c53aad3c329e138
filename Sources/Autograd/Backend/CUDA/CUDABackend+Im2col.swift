/// im2col and col2im, the unfolding that the composed conv2d multiplies (Backend+Conv2dComposed.swift):
/// one thread per element written (see CUDAKernelSource+Convolution.swift).
extension CUDABackend {
    public func im2col(_ x: Storage, _ g: ConvGeometry) -> Storage {
        let count = g.channels * g.kernelH * g.kernelW * g.batch * g.outHeight * g.outWidth
        return convolutionKernel(.im2col, x, g, count: count)
    }

    public func col2im(_ cols: Storage, _ g: ConvGeometry) -> Storage {
        convolutionKernel(.col2im, cols, g, count: g.batch * g.channels * g.height * g.width)
    }

    private func convolutionKernel(_ kernel: CUDAKernel, _ x: Storage, _ g: ConvGeometry, count: Int) -> Storage {
        ensure(x.dtype.isFloatingPoint, "conv2d is not defined for int64 tensors")
        let out = allocate(count: count, dtype: x.dtype)
        var args = arguments()
        args.pointer(x)
        args.pointer(out)
        args.geometry(g)
        launch(kernel, x.dtype, elements: count, args)
        return out
    }
}
