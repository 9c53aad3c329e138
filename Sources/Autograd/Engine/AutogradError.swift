/// Errors the engine throws, worded as PyTorch 2.15 words them so a PyTorch user recognises them
/// (the texts are checked against PyTorch by Tests/Fixtures/lessons/pytorch_texts.json). The
/// associated values are data for code; the description is the line PyTorch would print.
public enum AutogradError: Error, Equatable, CustomStringConvertible {
    case integerRequiresGrad(DType)
    case nonLeafRequiresGradChange
    case graphFreed(node: String)
    case nonScalarBackward(shape: [Int])
    case doesNotRequireGrad
    case gradientShapeMismatch(expected: [Int], got: [Int])
    case anomaly(node: String, forwardOp: String, module: String?, output: Int, kind: String)
    /// A matrix product whose inner sizes differ; `op` is PyTorch's name for it (`mm`, `addmm`).
    case shapesCannotBeMultiplied(op: String, mat1: [Int], mat2: [Int])
    /// An op given tensors on two devices: `common` is the device it settled on, `other` the odd one.
    case deviceMismatch(common: Device, other: Device)

    public var description: String {
        switch self {
        case .integerRequiresGrad:
            return "RuntimeError: only Tensors of floating point dtype can require gradients"
        case .nonLeafRequiresGradChange:
            return "RuntimeError: you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
        case .graphFreed:
            return "RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."
        case .nonScalarBackward(let shape):
            return "RuntimeError: grad can be implicitly created only for scalar outputs (got a tensor of shape \(Shape.describe(shape)))"
        case .doesNotRequireGrad:
            return "RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn"
        case .gradientShapeMismatch(let expected, let got):
            return "RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size(\(Shape.describe(got))) and output[0] has a shape of torch.Size(\(Shape.describe(expected)))."
        case .anomaly(let node, let op, let module, let output, let kind):
            let place = module.map { " in module '\($0)'" } ?? ""
            return "RuntimeError: Function '\(node)' returned \(kind) values in its \(output)th output. It was created by the forward op '\(op)'\(place)."
        case .shapesCannotBeMultiplied(let op, let mat1, let mat2):
            let sizes = "\(mat1.map(String.init).joined(separator: "x")) and \(mat2.map(String.init).joined(separator: "x"))"
            return "RuntimeError: \(op): mat1 and mat2 shapes cannot be multiplied (\(sizes))"
        case .deviceMismatch(let common, let other):
            return "RuntimeError: Expected all tensors to be on the same device, but found at least two devices, \(common) and \(other)!"
        }
    }
}
