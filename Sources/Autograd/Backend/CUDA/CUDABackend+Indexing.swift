/// gather and its adjoint scatterAdd along the middle of an (outer, size, inner) view.
extension CUDABackend {
    public func gather(_ x: Storage, outer: Int, size: Int, inner: Int, index: Storage, indexSize: Int) -> Storage {
        ensure(index.dtype == .int64, "gather(): Expected dtype int64 for index")
        let count = outer * indexSize * inner
        let out = allocate(count: count, dtype: x.dtype)
        launch(.gather, x.dtype, elements: count, indexArguments(x, index, out, outer, size, inner, indexSize))
        return out
    }

    public func scatterAdd(_ grad: Storage, outer: Int, size: Int, inner: Int, index: Storage, indexSize: Int) -> Storage {
        ensure(index.dtype == .int64, "scatter_add(): Expected dtype int64 for index")
        let count = outer * size * inner
        let out = allocate(count: count, dtype: grad.dtype)
        launch(.scatterAdd, grad.dtype, elements: count, indexArguments(grad, index, out, outer, size, inner, indexSize))
        return out
    }

    private func indexArguments(_ x: Storage, _ index: Storage, _ out: Storage,
                                _ outer: Int, _ size: Int, _ inner: Int, _ indexSize: Int) -> KernelArguments {
        var args = arguments()
        args.pointer(x)
        args.pointer(index)
        args.pointer(out)
        args.int(outer)
        args.int(size)
        args.int(inner)
        args.int(indexSize)
        return args
    }
}
