/// 2-D convolution. The backend computes it (Backend+Conv2dComposed.swift defines it as im2col, one GEMM
/// and a permute; CPUBackend fuses the three per block of samples); the node is PyTorch's
/// ConvolutionBackward0 with edges (input, weight, bias), saving the input and the weight as
/// PyTorch does. Images that need no gradient leave the first edge empty.
extension Tensor {
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                              stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) -> Tensor {
        ensure(input.rank == 4, "conv2d: expected a 4-D input [n, c, h, w], got \(Shape.describe(input.shape))")
        ensure(weight.rank == 4, "conv2d: expected a 4-D weight [out, in, kh, kw], got \(Shape.describe(weight.shape))")
        ensure(input.shape[1] == weight.shape[1],
                     "Given groups=1, weight of size \(Shape.describe(weight.shape)), expected input\(Shape.describe(input.shape)) to have \(weight.shape[1]) channels, but got \(input.shape[1]) channels instead")
        ensure(input.device == weight.device, "conv2d: Expected all tensors to be on the same device, but found at least two devices, \(input.device) and \(weight.device)!")
        ensure(input.dtype == weight.dtype && (bias?.dtype ?? input.dtype) == input.dtype,
               "expected scalar type \(input.dtype.scalarTypeName) but found \(weight.dtype == input.dtype ? bias!.dtype.scalarTypeName : weight.dtype.scalarTypeName)")
        input.requireFloatingPoint("conv2d")
        let g = ConvGeometry(batch: input.shape[0], channels: input.shape[1], height: input.shape[2], width: input.shape[3],
                             kernelH: weight.shape[2], kernelW: weight.shape[3], strideH: stride.0, strideW: stride.1,
                             paddingH: padding.0, paddingW: padding.1)
        ensure(g.outHeight > 0 && g.outWidth > 0,
                     "conv2d: Calculated output size (\(g.outHeight)x\(g.outWidth)) is too small for input \(Shape.describe(input.shape)) and kernel \(weight.shape[2])x\(weight.shape[3])")
        let outChannels = weight.shape[0]
        let out = input.backend.conv2d(input.storage, weight: weight.storage, bias: bias?.storage, outChannels: outChannels, g)
        let outShape = [g.batch, outChannels, g.outHeight, g.outWidth]
        let (inputShape, weightShape) = (input.shape, weight.shape)
        let hasBias = bias != nil
        // Like PyTorch's output_mask: images that need no gradient skip dX (a GEMM and col2im).
        let inputNeedsGrad = input.requiresGrad

        return record(out, shape: outShape, inputs: [input, weight, bias], name: "ConvolutionBackward0", op: "conv2d",
                      saving: [input, weight]) { grad, saved in
            let (gx, gw, gb) = grad.backend.conv2dBackward(grad.storage, input: saved[0].storage, weight: saved[1].storage,
                                                           outChannels: outChannels, g, inputGrad: inputNeedsGrad, biasGrad: hasBias)
            return [gx.map { Tensor(storage: $0, shape: inputShape) },
                    Tensor(storage: gw, shape: weightShape),
                    gb.map { Tensor(storage: $0, shape: [outChannels]) }]
        }
    }
}
