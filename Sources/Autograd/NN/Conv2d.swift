/// A 2-D convolution over [n, c, h, w] images, like torch.nn.Conv2d (groups = 1, dilation = 1).
///
/// The weight is [out, in, kH, kW], as PyTorch stores it; the forward is `Tensor.conv2d`, which
/// records ConvolutionBackward0 with edges (input, weight, bias).
public final class Conv2d: Module {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: (Int, Int)
    public let stride: (Int, Int)
    public let padding: (Int, Int)
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), bias: Bool = true, dtype: DType = .float32,
                generator: inout RandomGenerator) {
        ensure(inChannels > 0 && outChannels > 0, "Conv2d: channel counts must be positive, got \(inChannels) and \(outChannels)")
        ensure(kernelSize.0 > 0 && kernelSize.1 > 0, "Conv2d: kernel_size must be positive, got (\(kernelSize.0), \(kernelSize.1))")
        ensure(stride.0 > 0 && stride.1 > 0, "Conv2d: stride must be positive, got (\(stride.0), \(stride.1))")
        ensure(padding.0 >= 0 && padding.1 >= 0, "Conv2d: negative padding is not supported, got (\(padding.0), \(padding.1))")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        let bound = Init.defaultBound(fanIn: inChannels * kernelSize.0 * kernelSize.1)
        weight = Init.uniformParameter([outChannels, inChannels, kernelSize.0, kernelSize.1], bound: bound, dtype: dtype, generator: &generator)
        self.bias = bias ? Init.uniformParameter([outChannels], bound: bound, dtype: dtype, generator: &generator) : nil
        super.init()
        registerParameter("weight", weight)
        if let b = self.bias { registerParameter("bias", b) }
    }

    /// Square kernel, stride and padding: `Conv2d(3, 6, 5)`.
    public convenience init(_ inChannels: Int, _ outChannels: Int, _ kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            bias: Bool = true, dtype: DType = .float32, generator: inout RandomGenerator) {
        self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), bias: bias, dtype: dtype, generator: &generator)
    }

    /// Initialised from the process-wide generator, as PyTorch does.
    public convenience init(_ inChannels: Int, _ outChannels: Int, _ kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            bias: Bool = true, dtype: DType = .float32) {
        var generator = DefaultGenerator.split()
        self.init(inChannels, outChannels, kernelSize, stride: stride, padding: padding, bias: bias, dtype: dtype, generator: &generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        Tensor.conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding)
    }

    public override var extraDescription: String {
        var text = "\(inChannels), \(outChannels), kernel_size=(\(kernelSize.0), \(kernelSize.1)), stride=(\(stride.0), \(stride.1))"
        if padding != (0, 0) { text += ", padding=(\(padding.0), \(padding.1))" }
        if bias == nil { text += ", bias=False" }
        return text
    }
}
