/// Dropout in training: each element is kept with probability 1 − p and scaled by 1/(1 − p).
/// It is composed, as PyTorch's CPU dropout is: a multiplication by a random mask (MulBackward0).
extension Tensor {
    public func dropout(p: Double, training: Bool, generator: inout RandomGenerator) -> Tensor {
        ensure(dtype.isFloatingPoint, "result type Float can't be cast to the desired output type \(dtype.scalarTypeName)")
        ensure(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        guard training && p > 0 else { return self }
        let keep = 1 - p
        let mask = (0..<count).map { _ in generator.nextDouble() < keep ? 1 / keep : 0.0 }
        let maskTensor = try! Tensor(mask, shape: shape).to(dtype).to(device)
        return self * maskTensor
    }
}
