/// The one switch from a storage's dtype to the element type its kernel runs on.
///
/// Kernels are written once, as functions generic over the element type. A backend method
/// defines a local generic function `kernel` that runs the loop for some `T`, and hands it to
/// `dispatchFloat` (float32 and float64) or `dispatch` (every dtype), which calls the instance
/// for the storage's dtype:
///
///     func kernel<T: FloatElement>(_: T.Type) {
///         referenceUnary(op, x.buffer(T.self), out.buffer(T.self), x.count)
///     }
///     x.dtype.dispatchFloat("unary \(op)", kernel, kernel)
///
/// Swift has no generic closures, so the same function is passed once per element type: each
/// argument is a separate instance (`kernel<Float>`, `kernel<Double>`), which the compiler
/// specialises, so no generic dispatch is left in the loops.
extension DType {
    /// Runs the float32 or float64 instance of a floating-point kernel. An int64 storage here
    /// is a programmer error (ops check dtypes before they reach a backend), and it stops the
    /// program naming `op`: fatalError, which release builds keep.
    @inline(__always)
    func dispatchFloat<R>(_ op: @autoclosure () -> String,
                          _ float32: (Float.Type) -> R,
                          _ float64: (Double.Type) -> R) -> R {
        switch self {
        case .float32: return float32(Float.self)
        case .float64: return float64(Double.self)
        case .int64: fatalError("\(op()) is not defined for int64 tensors")
        }
    }

    /// Runs the instance of a kernel defined for every element type (copies, sums, indexing).
    @inline(__always)
    func dispatch<R>(_ float32: (Float.Type) -> R,
                     _ float64: (Double.Type) -> R,
                     _ int64: (Int64.Type) -> R) -> R {
        switch self {
        case .float32: return float32(Float.self)
        case .float64: return float64(Double.self)
        case .int64: return int64(Int64.self)
        }
    }
}

/// What every element type a storage holds can do: arithmetic, and a round trip through Double
/// (`TensorElement`; int64 rounds toward zero on the way in, as `Tensor.to(.int64)` does).
protocol StorageElement: TensorElement, Numeric {}

extension Float: StorageElement {}
extension Double: StorageElement {}
extension Int64: StorageElement {}
