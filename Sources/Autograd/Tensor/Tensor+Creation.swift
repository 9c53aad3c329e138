/// Element types a tensor can be built from and read back as.
public protocol TensorElement: Sendable {
    static var dtype: DType { get }
    init(fromDouble value: Double)
    var doubleValue: Double { get }
}

extension Float: TensorElement {
    public init(fromDouble value: Double) { self = Float(value) }
    public var doubleValue: Double { Double(self) }
}

extension Double: TensorElement {
    public init(fromDouble value: Double) { self = value }
    public var doubleValue: Double { self }
}

extension Int64: TensorElement {
    public static var dtype: DType { .int64 }
    public init(fromDouble value: Double) { self = Int64(value) }
    public var doubleValue: Double { Double(self) }
}

/// Creation, like torch.tensor / zeros / ones / full / arange / rand / randn / empty.
extension Tensor {
    /// A tensor holding `values` in row-major order, with `shape` (default: one dimension).
    public convenience init<T: TensorElement>(_ values: [T], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        ensure(Shape.count(shape) == values.count, "tensor: \(values.count) values cannot fill shape \(Shape.describe(shape))")
        let storage = values.withUnsafeBytes { Backends.defaultCPU.upload($0, count: values.count, dtype: T.dtype) }
        self.init(storage: storage, shape: shape)
    }

    /// Integer data (labels, indices) is int64, as in PyTorch.
    public convenience init(_ values: [Int], shape: [Int]? = nil) {
        self.init(values.map { Int64($0) }, shape: shape)
    }

    /// A 0-d tensor.
    public convenience init<T: TensorElement>(scalar value: T) {
        self.init([value], shape: [])
    }

    public static func empty(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        Tensor(storage: Backends.defaultCPU.allocate(count: Shape.count(shape), dtype: dtype), shape: shape)
    }

    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) -> Tensor {
        let t = empty(shape, dtype: dtype)
        t.backend.fill(t.storage, with: value)
        return t
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, 0, dtype: dtype) }
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, 1, dtype: dtype) }

    /// A tensor of `value` with the shape, dtype and device of `other`.
    public static func full(like other: Tensor, _ value: Double) -> Tensor {
        let storage = other.backend.allocate(count: other.count, dtype: other.dtype)
        other.backend.fill(storage, with: value)
        return Tensor(storage: storage, shape: other.shape)
    }

    public static func zeros(like other: Tensor) -> Tensor { full(like: other, 0) }
    public static func ones(like other: Tensor) -> Tensor { full(like: other, 1) }

    /// start, start+step, ... below end (PyTorch's arange; int64 when every argument is whole).
    public static func arange(_ start: Double = 0, _ end: Double, step: Double = 1, dtype: DType? = nil) -> Tensor {
        ensure(step != 0, "arange: step must be nonzero")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        let values = (0..<n).map { start + Double($0) * step }
        let whole = start.rounded() == start && step.rounded() == step
        let type = dtype ?? (whole ? .int64 : .float32)
        return Tensor(values, shape: [n]).to(type)
    }

    /// Uniform in [0, 1).
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: inout RandomGenerator) -> Tensor {
        uniform(shape, low: 0, high: 1, dtype: dtype, generator: &generator)
    }

    /// Uniform in [low, high): PyTorch's `uniform_`, used by the default initialisation.
    public static func uniform(_ shape: [Int], low: Double, high: Double, dtype: DType = .float32, generator: inout RandomGenerator) -> Tensor {
        let values = (0..<Shape.count(shape)).map { _ in low + (high - low) * generator.nextDouble() }
        return Tensor(values, shape: shape).to(dtype)
    }

    /// Standard normal.
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: inout RandomGenerator) -> Tensor {
        let values = (0..<Shape.count(shape)).map { _ in generator.nextNormal() }
        return Tensor(values, shape: shape).to(dtype)
    }

    /// Integers uniform in low..<high (int64), like torch.randint.
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        let values = (0..<Shape.count(shape)).map { _ in Int64(low + generator.nextInt(below: high - low)) }
        return Tensor(values, shape: shape)
    }

    /// The same with the process-wide generator (`manualSeed` sets it).
    public static func rand(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        DefaultGenerator.withGenerator { rand(shape, dtype: dtype, generator: &$0) }
    }

    public static func randn(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        DefaultGenerator.withGenerator { randn(shape, dtype: dtype, generator: &$0) }
    }
}

/// Reading data back and moving between dtypes and devices.
extension Tensor {
    /// Every element, converted to `T`, in row-major order.
    public func toArray<T: TensorElement>(_ type: T.Type = T.self) -> [T] {
        let source = dtype == T.dtype ? storage : backend.cast(storage, to: T.dtype)
        return [T](unsafeUninitializedCapacity: source.count) { buffer, initialized in
            backend.download(source, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = source.count
        }
    }

    /// Every element as Double (handy in tests and displays).
    public var doubles: [Double] { toArray(Double.self) }
    public var floats: [Float] { toArray(Float.self) }

    /// The value of a one-element tensor, like `item()`.
    public func item() -> Double {
        ensure(count == 1, "a Tensor with \(count) elements cannot be converted to Scalar")
        return doubles[0]
    }

    /// A copy in another dtype (`to(torch.float64)`); the same tensor when it already is.
    public func to(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let out = backend.cast(storage, to: dtype)
        let from = self.dtype
        guard dtype.isFloatingPoint else { return Tensor(storage: out, shape: shape) }
        return Tensor.record(out, shape: shape, isContiguous: isContiguous, inputs: [self], name: "ToCopyBackward0", op: "to") { g, _ in
            [g.to(from)]
        }
    }

    /// A copy on another device (`to("cuda")`); the same tensor when it already is there.
    public func to(_ device: Device) throws(DeviceError) -> Tensor {
        if device == self.device { return self }
        let target = try Backends.backend(for: device)
        let host = rawBytes()
        let out = host.withUnsafeBytes { target.upload($0, count: count, dtype: dtype) }
        let from = self.device
        guard dtype.isFloatingPoint else { return Tensor(storage: out, shape: shape) }
        return Tensor.record(out, shape: shape, isContiguous: isContiguous, inputs: [self], name: "ToCopyBackward0", op: "to") { g, _ in
            [try! g.to(from)]
        }
    }

    /// Raw bytes of the storage as they are in memory.
    public func rawBytes() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: storage.byteCount) { buffer, initialized in
            backend.download(storage, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = storage.byteCount
        }
    }
}
