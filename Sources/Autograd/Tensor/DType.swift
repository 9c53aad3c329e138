#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element types a tensor can hold: PyTorch's float32 (the default), float64 (for gradient
/// checks) and int64 (labels and indices). Only floating-point tensors can require gradients.
public enum DType: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case float32
    case float64
    case int64

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32: return 4
        case .float64, .int64: return 8
        }
    }

    public var isFloatingPoint: Bool { self != .int64 }

    /// As PyTorch prints it: `torch.float32`.
    public var description: String { "torch.\(rawValue)" }
}

/// The scalar element types the kernels are written for. Each wraps the C maths library so the
/// kernels stay generic without a dependency.
public protocol FloatElement: BinaryFloatingPoint, Sendable {
    static var dtype: DType { get }
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func sqrt(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
}

extension Float: FloatElement {
    public static var dtype: DType { .float32 }
    @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
    @inline(__always) public static func sqrt(_ x: Float) -> Float { x.squareRoot() }
    @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: FloatElement {
    public static var dtype: DType { .float64 }
    @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) public static func sqrt(_ x: Double) -> Double { x.squareRoot() }
    @inline(__always) public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
}
