/// Gradient hooks and retain_grad: ways to see or change a gradient as backward passes by.
extension Tensor {
    /// Registers a hook called with this tensor's gradient during backward; returning a tensor
    /// replaces the gradient, nil keeps it. Like `Tensor.register_hook`.
    public func registerHook(_ hook: @escaping (Tensor) -> Tensor?) {
        ensure(requiresGrad, "cannot register a hook on a tensor that doesn't require gradient")
        if let gradFn {
            gradFn.ensuredExtras.preHooks.append(hook)
        } else {
            ensuredExtras.hooks.append(hook)
        }
    }

    /// Keeps the gradient of a non-leaf in `grad` after backward, like `retain_grad()`. The engine
    /// stores it after every hook of this tensor has run, in whatever order they were registered.
    public func retainGrad() {
        ensure(requiresGrad, "can't retain_grad on Tensor that has requires_grad=False")
        guard let gradFn, !retainsGrad else { return }
        retainsGrad = true
        gradFn.ensuredExtras.retainedGradTensor = self
    }

    /// The UserWarning PyTorch gives when `.grad` is read on a non-leaf that does not retain its
    /// gradient (that `.grad` stays None whatever backward does); nil where reading it is fine.
    /// PyTorch 2.15 ends it with the C++ line that raised it, which says nothing to a learner.
    public var gradAccessWarning: String? {
        if isLeaf || retainsGrad { return nil }
        return "UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
            + "attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be "
            + "populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf "
            + "Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 "
            + "for more information."
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
