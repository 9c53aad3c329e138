/// SGD and Adam updates in place on the GPU. Adam's bias corrections are computed here in the
/// parameter's precision, as the reference computes them, and passed to the kernel.
extension CUDABackend {
    public func sgdStep(parameter: Storage, grad: Storage, momentumBuffer: Storage?, _ h: SGDHyper) {
        ensure(parameter.dtype.isFloatingPoint, "optimizers update floating-point parameters only")
        var args = arguments()
        args.pointer(parameter)
        args.pointer(grad)
        args.pointer(momentumBuffer.map(CUDABackend.address) ?? 0)
        args.int(parameter.count)
        args.double(h.lr)
        args.double(h.momentum)
        args.double(h.dampening)
        args.double(h.weightDecay)
        args.bool(h.nesterov)
        args.bool(h.firstStep)
        args.bool(momentumBuffer != nil)
        launch(.sgd, parameter.dtype, elements: parameter.count, args)
    }

    public func adamStep(parameter: Storage, grad: Storage, m: Storage, v: Storage, _ h: AdamHyper) {
        ensure(parameter.dtype.isFloatingPoint, "optimizers update floating-point parameters only")
        func corrections<T: FloatElement>(_: T.Type) -> (Double, Double) {
            CUDABackend.adamCorrections(T.self, h)
        }
        let (stepSize, correction2Root) = parameter.dtype.dispatchFloat("the optimizer step", corrections, corrections)
        var args = arguments()
        args.pointer(parameter)
        args.pointer(grad)
        args.pointer(m)
        args.pointer(v)
        args.int(parameter.count)
        args.double(h.lr)
        args.double(h.beta1)
        args.double(h.beta2)
        args.double(h.eps)
        args.double(h.weightDecay)
        args.double(stepSize)
        args.double(correction2Root)
        args.bool(h.decoupledWeightDecay)
        launch(.adam, parameter.dtype, elements: parameter.count, args)
    }

    /// lr / (1 − β1^t) and √(1 − β2^t), in T's arithmetic (exact when widened to double).
    static func adamCorrections<T: FloatElement>(_ type: T.Type, _ h: AdamHyper) -> (Double, Double) {
        let correction1 = 1 - T.pow(T(h.beta1), T(h.step))
        let correction2 = 1 - T.pow(T(h.beta2), T(h.step))
        return (Double(T(h.lr) / correction1), Double(T.sqrt(correction2)))
    }
}
