/// Sums over dimensions, max along one, the host-side sum of squares and log_softmax.
extension CUDABackend {
    public func sum(_ x: Storage, shape: [Int], dims: [Int]) -> Storage {
        var outShape = shape
        for d in dims { outShape[d] = 1 }
        let outCount = Shape.count(outShape)
        let out = allocate(count: outCount, dtype: x.dtype)
        let strides = Shape.strides(shape)
        let reduced = Array(0..<shape.count).filter { dims.contains($0) }
        let kept = Array(0..<shape.count).filter { !dims.contains($0) }
        let keptLayout = StridedLayout(sizes: kept.map { shape[$0] }, strides: [kept.map { strides[$0] }]).coalesced()
        let reducedLayout = StridedLayout(sizes: reduced.map { shape[$0] }, strides: [reduced.map { strides[$0] }]).coalesced()
        let reduceCount = reduced.reduce(1) { $0 * shape[$1] }
        if reduceCount == 0 || outCount == 0 {
            fill(out, with: 0)
            return out
        }
        var args = arguments()
        args.pointer(x)
        args.pointer(out)
        args.int(outCount)
        args.int(reduceCount)
        args.int(keptLayout.rank)
        args.dims(keptLayout.sizes)
        args.dims(keptLayout.strides[0])
        args.int(reducedLayout.rank)
        args.dims(reducedLayout.sizes)
        args.dims(reducedLayout.strides[0])
        // A block per output when each output sums many elements and there are few outputs
        // to spread over the GPU; otherwise a thread per output.
        if reduceCount >= 4096 || (reduceCount >= 64 && outCount < 4096) {
            launch(.sumBlock, x.dtype, blocks: Swift.min(outCount, CUDABackend.maxBlocks), args)
        } else {
            launch(.sumThread, x.dtype, elements: outCount, args)
        }
        return out
    }

    public func max(_ x: Storage, outer: Int, size: Int, inner: Int) -> (values: Storage, indices: Storage) {
        ensure(x.dtype.isFloatingPoint, "max is not defined for int64 tensors here")
        let values = allocate(count: outer * inner, dtype: x.dtype)
        let indices = allocate(count: outer * inner, dtype: .int64)
        var args = arguments()
        args.pointer(x)
        args.pointer(values)
        args.pointer(indices)
        args.int(outer)
        args.int(size)
        args.int(inner)
        launch(.maxDim, x.dtype, elements: outer * inner, args)
        return (values, indices)
    }

    /// Each block sums its share in double on the GPU; the few block sums are added here.
    public func sumOfSquares(_ x: Storage) -> Double {
        guard x.count > 0 else { return 0 }
        let blocks = Swift.min((x.count + CUDABackend.blockThreads - 1) / CUDABackend.blockThreads, 256)
        let partial = allocate(count: blocks, dtype: .float64)
        var args = arguments()
        args.pointer(x)
        args.pointer(partial)
        args.int(x.count)
        launch(.sumSquares, x.dtype, blocks: blocks, args)
        var sums = [Double](repeating: 0, count: blocks)
        sums.withUnsafeMutableBytes { download(partial, into: $0) }
        return sums.reduce(0, +)
    }

    public func logSoftmax(_ x: Storage, outer: Int, size: Int, inner: Int) -> Storage {
        softmaxKernel(.logSoftmax, x, nil, outer: outer, size: size, inner: inner)
    }

    public func logSoftmaxBackward(_ grad: Storage, output: Storage, outer: Int, size: Int, inner: Int) -> Storage {
        softmaxKernel(.logSoftmaxBackward, grad, output, outer: outer, size: size, inner: inner)
    }

    private func softmaxKernel(_ kernel: CUDAKernel, _ x: Storage, _ y: Storage?, outer: Int, size: Int, inner: Int) -> Storage {
        ensure(x.dtype.isFloatingPoint, "log_softmax is not defined for int64 tensors")
        let out = allocate(count: x.count, dtype: x.dtype)
        var args = arguments()
        args.pointer(x)
        args.pointer(y.map(CUDABackend.address) ?? 0)
        args.pointer(out)
        args.int(outer)
        args.int(size)
        args.int(inner)
        launch(kernel, x.dtype, elements: outer * inner, args)
        return out
    }
}
