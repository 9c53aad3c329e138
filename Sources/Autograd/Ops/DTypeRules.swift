/// Which dtypes the ops take, checked before a kernel sees the data, in PyTorch's words.
///
/// The kernels are written for float32 and float64; int64 tensors hold labels and indices. An op
/// whose result PyTorch computes in floating point from an integer tensor (exp, log, sqrt,
/// sigmoid, tanh, pow with a float exponent, division, arithmetic with a Python float) promotes an
/// int64 tensor to float32, PyTorch's default dtype, as PyTorch does. An op that PyTorch would
/// compute in int64 but these kernels cannot stops with the message PyTorch gives when a kernel
/// lacks a dtype (`"relu" not implemented for 'Long'`), naming PyTorch's own CPU kernel where
/// PyTorch refuses int64 too (log_softmax, nll_loss, mse_loss, mean).
extension DType {
    /// PyTorch's C++ name for the scalar type, as its dtype errors print it.
    public var scalarTypeName: String {
        switch self {
        case .float32: return "Float"
        case .float64: return "Double"
        case .int64: return "Long"
        }
    }

    /// The C type, as PyTorch's matmul dtype error prints it ("float != double").
    public var cTypeName: String {
        switch self {
        case .float32: return "float"
        case .float64: return "double"
        case .int64: return "long int"
        }
    }
}

extension Tensor {
    /// Stops with PyTorch's message for a kernel without this dtype unless it is floating point.
    @inline(__always)
    func requireFloatingPoint(_ kernel: @autoclosure () -> String) {
        ensure(dtype.isFloatingPoint, "\"\(kernel())\" not implemented for '\(dtype.scalarTypeName)'")
    }

    /// This tensor as float32 when it is int64 (PyTorch's integer-to-float promotion); no graph,
    /// since an integer tensor never requires grad.
    func promotedToFloat() -> Tensor {
        if dtype.isFloatingPoint { return self }
        return Tensor(storage: backend.cast(storage, to: .float32), shape: shape)
    }
}
