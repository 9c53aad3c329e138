/// 2-D convolution composed from a backend's own kernels: the definition of `conv2d` and
/// `conv2dBackward`, and what a backend runs unless it fuses them (CPUBackend does).
///
/// Forward is one GEMM over the whole batch: im2col unfolds every input patch into a column
/// ([c·kh·kw, n·oh·ow]), the weight [o, c·kh·kw] multiplies it on top of the broadcast bias, and
/// a permute puts the batch first. Backward recomputes the columns from the saved input and runs
/// the same pieces transposed: dW = dY·colsᵀ, dcols = Wᵀ·dY folded back by col2im, dB = Σ dY.
extension Backend {
    public func conv2d(_ x: Storage, weight: Storage, bias: Storage?, outChannels: Int, _ g: ConvGeometry) -> Storage {
        conv2dComposed(x, weight: weight, bias: bias, outChannels: outChannels, g)
    }

    public func conv2dBackward(_ grad: Storage, input: Storage, weight: Storage, outChannels: Int, _ g: ConvGeometry,
                               inputGrad: Bool, biasGrad: Bool) -> (input: Storage?, weight: Storage, bias: Storage?) {
        conv2dBackwardComposed(grad, input: input, weight: weight, outChannels: outChannels, g,
                               inputGrad: inputGrad, biasGrad: biasGrad)
    }

    public func conv2dComposed(_ x: Storage, weight: Storage, bias: Storage?, outChannels: Int,
                               _ g: ConvGeometry) -> Storage {
        let patch = g.channels * g.kernelH * g.kernelW
        let columns = g.batch * g.outHeight * g.outWidth
        let cols = im2col(x, g)
        // [o, n·oh·ow], starting from the bias broadcast along each row when there is one.
        let product: Storage
        if let bias {
            product = expand(bias, shape: [outChannels, 1], to: [outChannels, columns])
        } else {
            product = allocate(count: outChannels * columns, dtype: x.dtype)
        }
        gemm(weight, cols, into: product, m: outChannels, n: columns, k: patch, transA: false, transB: false,
             alpha: 1, beta: bias == nil ? 0 : 1, batch: 1, strideA: 0, strideB: 0, strideC: 0)
        return permute(product, shape: [outChannels, g.batch, g.outHeight * g.outWidth], order: [1, 0, 2])
    }

    public func conv2dBackwardComposed(_ grad: Storage, input: Storage, weight: Storage, outChannels: Int,
                                       _ g: ConvGeometry, inputGrad: Bool,
                                       biasGrad: Bool) -> (input: Storage?, weight: Storage, bias: Storage?) {
        let patch = g.channels * g.kernelH * g.kernelW
        let columns = g.batch * g.outHeight * g.outWidth
        let cols = im2col(input, g)
        // dY as [o, n·oh·ow].
        let gy = permute(grad, shape: [g.batch, outChannels, g.outHeight * g.outWidth], order: [1, 0, 2])
        let gw = allocate(count: outChannels * patch, dtype: grad.dtype)
        gemm(gy, cols, into: gw, m: outChannels, n: patch, k: columns, transA: false, transB: true,
             alpha: 1, beta: 0, batch: 1, strideA: 0, strideB: 0, strideC: 0)
        var gx: Storage?
        if inputGrad {
            let gcols = allocate(count: patch * columns, dtype: grad.dtype)
            gemm(weight, gy, into: gcols, m: patch, n: columns, k: outChannels, transA: true, transB: false,
                 alpha: 1, beta: 0, batch: 1, strideA: 0, strideB: 0, strideC: 0)
            gx = col2im(gcols, g)
        }
        let gb = biasGrad ? sum(gy, shape: [outChannels, columns], dims: [1]) : nil
        return (gx, gw, gb)
    }
}
