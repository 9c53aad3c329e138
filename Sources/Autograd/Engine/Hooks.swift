/// Gradient hooks and retain_grad: ways to see or change a gradient as backward passes by.
extension Tensor {
    /// Registers a hook called with this tensor's gradient during backward; returning a tensor
    /// replaces the gradient, nil keeps it. Like `Tensor.register_hook`.
    public func registerHook(_ hook: @escaping (Tensor) -> Tensor?) {
        ensure(requiresGrad, "cannot register a hook on a tensor that doesn't require gradient")
        if let gradFn {
            gradFn.preHooks.append(hook)
        } else {
            hooks.append(hook)
        }
    }

    /// Keeps the gradient of a non-leaf in `grad` after backward, like `retain_grad()`. The engine
    /// stores it after every hook of this tensor has run, in whatever order they were registered.
    public func retainGrad() {
        ensure(requiresGrad, "can't retain_grad on Tensor that has requires_grad=False")
        guard let gradFn, !retainsGrad else { return }
        retainsGrad = true
        gradFn.retainedGradTensor = self
    }

    /// Sets the gradient to nil (PyTorch 2's default) or to zeros.
    public func zeroGrad(setToNone: Bool = true) {
        if setToNone {
            grad = nil
        } else if grad != nil {
            grad = Tensor.zeros(like: self)
        }
    }
}
