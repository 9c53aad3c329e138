/// Max pooling over [n, c, h, w], like torch.nn.MaxPool2d (dilation 1, floor mode). The stride
/// defaults to the kernel size. Its description shows sizes as they were given: `kernel_size=2`
/// for a square window, `kernel_size=(2, 3)` for a rectangular one, as PyTorch does.
public final class MaxPool2d: Module {
    public let kernelSize: (Int, Int)
    public let stride: (Int, Int)
    public let padding: (Int, Int)
    private let givenAsScalars: Bool

    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.givenAsScalars = false
        super.init()
        validate()
    }

    /// A square window: `MaxPool2d(2, 2)`.
    public init(_ kernelSize: Int, _ stride: Int? = nil, padding: Int = 0) {
        self.kernelSize = (kernelSize, kernelSize)
        self.stride = (stride ?? kernelSize, stride ?? kernelSize)
        self.padding = (padding, padding)
        self.givenAsScalars = true
        super.init()
        validate()
    }

    private func validate() {
        ensure(kernelSize.0 > 0 && kernelSize.1 > 0, "MaxPool2d: kernel_size must be positive")
        ensure(stride.0 > 0 && stride.1 > 0, "MaxPool2d: stride must be positive")
        ensure(padding.0 >= 0 && padding.1 >= 0 && padding.0 * 2 <= kernelSize.0 && padding.1 * 2 <= kernelSize.1,
                     "MaxPool2d: pad should be at most half of effective kernel size")
    }

    public override func forward(_ input: Tensor) -> Tensor {
        Tensor.maxPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding)
    }

    public override var extraDescription: String {
        func show(_ pair: (Int, Int)) -> String { givenAsScalars ? "\(pair.0)" : "(\(pair.0), \(pair.1))" }
        return "kernel_size=\(show(kernelSize)), stride=\(show(stride)), padding=\(show(padding)), dilation=1, ceil_mode=False"
    }
}
