/// 2-D convolution as one GEMM over the whole batch: im2col unfolds every input patch into a
/// column ([c·kh·kw, n·oh·ow]), the weight [o, c·kh·kw] multiplies it, and a permute puts the
/// batch first. Backward runs the same pieces transposed: dW = dY·colsᵀ, dcols = Wᵀ·dY, and
/// col2im folds dcols back onto the input. The node is PyTorch's ConvolutionBackward0 with edges
/// (input, weight, bias); images that need no gradient leave the first edge empty.
extension Tensor {
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                              stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) -> Tensor {
        precondition(input.rank == 4, "conv2d: expected a 4-D input [n, c, h, w], got \(Shape.describe(input.shape))")
        precondition(weight.rank == 4, "conv2d: expected a 4-D weight [out, in, kh, kw], got \(Shape.describe(weight.shape))")
        precondition(input.shape[1] == weight.shape[1],
                     "Given groups=1, weight of size \(Shape.describe(weight.shape)), expected input\(Shape.describe(input.shape)) to have \(weight.shape[1]) channels, but got \(input.shape[1]) channels instead")
        precondition(input.device == weight.device, "conv2d: Expected all tensors to be on the same device, but found at least two devices, \(input.device) and \(weight.device)!")
        let g = ConvGeometry(batch: input.shape[0], channels: input.shape[1], height: input.shape[2], width: input.shape[3],
                             kernelH: weight.shape[2], kernelW: weight.shape[3], strideH: stride.0, strideW: stride.1,
                             paddingH: padding.0, paddingW: padding.1)
        precondition(g.outHeight > 0 && g.outWidth > 0,
                     "conv2d: Calculated output size (\(g.outHeight)x\(g.outWidth)) is too small for input \(Shape.describe(input.shape)) and kernel \(weight.shape[2])x\(weight.shape[3])")
        let outChannels = weight.shape[0]
        let patch = g.channels * g.kernelH * g.kernelW
        let columns = g.batch * g.outHeight * g.outWidth
        let backend = input.backend

        let cols = backend.im2col(input.storage, g)
        // [o, n·oh·ow], starting from the bias broadcast along each row when there is one.
        let product: Storage
        if let bias {
            product = backend.expand(bias.storage, shape: [outChannels, 1], to: [outChannels, columns])
        } else {
            product = backend.allocate(count: outChannels * columns, dtype: input.dtype)
        }
        backend.gemm(weight.storage, cols, into: product, m: outChannels, n: columns, k: patch,
                     transA: false, transB: false, alpha: 1, beta: bias == nil ? 0 : 1,
                     batch: 1, strideA: 0, strideB: 0, strideC: 0)
        let planes = [outChannels, g.batch, g.outHeight * g.outWidth]
        let out = backend.permute(product, shape: planes, order: [1, 0, 2])
        let outShape = [g.batch, outChannels, g.outHeight, g.outWidth]
        let colsTensor = Tensor(storage: cols, shape: [patch, columns])
        let hasBias = bias != nil
        // Like PyTorch's output_mask: images that need no gradient skip dX (a GEMM and col2im).
        let inputNeedsGrad = input.requiresGrad

        return record(out, shape: outShape, inputs: [input, weight, bias], name: "ConvolutionBackward0", op: "conv2d",
                      saving: [weight, colsTensor]) { grad, saved in
            let (w, cols) = (saved[0], saved[1])
            let b = grad.backend
            // dY as [o, n·oh·ow].
            let gy = Tensor(storage: b.permute(grad.storage, shape: [g.batch, outChannels, g.outHeight * g.outWidth], order: [1, 0, 2]),
                            shape: [outChannels, columns])
            let gw = Tensor.gemm(gy, cols, transB: true).reshape(w.shape)
            var gx: Tensor?
            if inputNeedsGrad {
                let gcols = Tensor.gemm(w.reshape([outChannels, patch]), gy, transA: true)
                gx = Tensor(storage: b.col2im(gcols.storage, g), shape: [g.batch, g.channels, g.height, g.width])
            }
            let gb: Tensor? = hasBias ? Tensor(storage: b.sum(gy.storage, shape: gy.shape, dims: [1]), shape: [outChannels]) : nil
            return [gx, gw, gb]
        }
    }
}
