/// The checks an op makes before it computes anything, each as a function that returns PyTorch's
/// error (or nil), so one text serves two callers:
/// - the op itself, on the hot path, through `ensure(error == nil, ...)`: a failed check stops the
///   program with PyTorch's words (a shape or device mismatch inside an op is a programmer error);
/// - code that wants to catch the error and show it (the lessons), through the throwing `checked`
///   variants below, which run the same check and then the op.
/// The checks compare a few integers, so the op pays nothing for them being shared.
extension Device {
    /// PyTorch's TensorIterator settles on the first device that is not the CPU and names the
    /// first operand elsewhere: `cuda:0 and cpu` whichever side the CPU tensor is on.
    public static func mismatch(_ devices: [Device]) -> AutogradError? {
        guard let first = devices.first else { return nil }
        let common = devices.first { $0 != .cpu } ?? first
        guard let other = devices.first(where: { $0 != common }) else { return nil }
        return .deviceMismatch(common: common, other: other)
    }
}

extension Tensor {
    /// Throws PyTorch's device-mismatch error unless every tensor is on one device.
    public static func checkSameDevice(_ tensors: [Tensor]) throws(AutogradError) {
        if let error = Device.mismatch(tensors.map(\.device)) { throw error }
    }

    /// The error `addmm(bias, input, mat2)` (and so `Linear`) raises for these shapes, if any.
    /// An input of more than two dimensions is folded to [all leading sizes, last size] first, as
    /// PyTorch's linear folds it: [4, 16, 5, 5] against a [400, 120] weight gives 320x5 and 400x120.
    public static func addmmShapeError(input: [Int], mat2: [Int]) -> AutogradError? {
        guard let k = input.last, mat2.count == 2, k != mat2[0] else { return nil }
        let rows = input.count == 1 ? 1 : input.dropLast().reduce(1, *)
        return .shapesCannotBeMultiplied(op: "addmm", mat1: [rows, k], mat2: mat2)
    }

    /// `a + b` that throws PyTorch's error for operands on two devices instead of stopping.
    public static func checkedAdd(_ a: Tensor, _ b: Tensor) throws(AutogradError) -> Tensor {
        try checkSameDevice([a, b])
        return a + b
    }
}

extension Linear {
    /// Calls the layer (`self(input)`, hooks and all), throwing PyTorch's error for an input whose
    /// last size is not `inFeatures` instead of stopping.
    public func checkedCall(_ input: Tensor) throws(AutogradError) -> Tensor {
        if let error = Tensor.addmmShapeError(input: input.shape, mat2: [inFeatures, outFeatures]) { throw error }
        try Tensor.checkSameDevice([input, weight])
        return self(input)
    }
}
