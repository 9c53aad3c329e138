/// Max pooling that remembers where each maximum came from: backward routes each gradient to
/// that one input element (MaxPool2DWithIndicesBackward0).
extension Tensor {
    public static func maxPool2d(_ input: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil,
                                 padding: (Int, Int) = (0, 0)) -> Tensor {
        maxPool2dWithIndices(input, kernelSize: kernelSize, stride: stride, padding: padding).output
    }

    /// The pooled output and PyTorch's flat per-plane indices of each maximum.
    public static func maxPool2dWithIndices(_ input: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil,
                                            padding: (Int, Int) = (0, 0)) -> (output: Tensor, indices: Tensor) {
        ensure(input.rank == 4, "max_pool2d: expected a 4-D input [n, c, h, w], got \(Shape.describe(input.shape))")
        input.requireFloatingPoint("max_pool2d")
        let stride = stride ?? kernelSize
        ensure(padding.0 * 2 <= kernelSize.0 && padding.1 * 2 <= kernelSize.1, "max_pool2d: pad should be at most half of effective kernel size")
        let g = ConvGeometry(batch: input.shape[0], channels: input.shape[1], height: input.shape[2], width: input.shape[3],
                             kernelH: kernelSize.0, kernelW: kernelSize.1, strideH: stride.0, strideW: stride.1,
                             paddingH: padding.0, paddingW: padding.1)
        ensure(g.outHeight > 0 && g.outWidth > 0, "max_pool2d: Output size is too small for input \(Shape.describe(input.shape))")
        let (values, indices) = input.backend.maxPool2d(input.storage, g)
        let outShape = [g.batch, g.channels, g.outHeight, g.outWidth]
        let indexTensor = Tensor(storage: indices, shape: outShape)
        let output = record(values, shape: outShape, inputs: [input], name: "MaxPool2DWithIndicesBackward0", op: "max_pool2d",
                            saving: [indexTensor]) { grad, saved in
            [Tensor(storage: grad.backend.maxPool2dBackward(grad.storage, indices: saved[0].storage, g),
                    shape: [g.batch, g.channels, g.height, g.width])]
        }
        return (output, indexTensor)
    }
}
