/// Errors the engine throws, worded as PyTorch words them so a PyTorch user recognises them.
public enum AutogradError: Error, Equatable, CustomStringConvertible {
    case integerRequiresGrad(DType)
    case nonLeafRequiresGradChange
    case graphFreed(node: String)
    case nonScalarBackward(shape: [Int])
    case doesNotRequireGrad
    case gradientShapeMismatch(expected: [Int], got: [Int])
    case anomaly(node: String, forwardOp: String, module: String?, output: Int, kind: String)

    public var description: String {
        switch self {
        case .integerRequiresGrad(let dtype):
            return "RuntimeError: only Tensors of floating point dtype can require gradients (got \(dtype))"
        case .nonLeafRequiresGradChange:
            return "RuntimeError: you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
        case .graphFreed(let node):
            return "RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward. (node: \(node))"
        case .nonScalarBackward(let shape):
            return "RuntimeError: grad can be implicitly created only for scalar outputs (got a tensor of shape \(Shape.describe(shape)))"
        case .doesNotRequireGrad:
            return "RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn"
        case .gradientShapeMismatch(let expected, let got):
            return "RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size(\(Shape.describe(got))) and output[0] has a shape of torch.Size(\(Shape.describe(expected)))."
        case .anomaly(let node, let op, let module, let output, let kind):
            let place = module.map { " in module '\($0)'" } ?? ""
            return "RuntimeError: Function '\(node)' returned \(kind) values in its \(output)th output. It was created by the forward op '\(op)'\(place)."
        }
    }
}
