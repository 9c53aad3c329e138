// One line per PyTorch node name saying what its backward computes: the chain rule, one local
// derivative at a time. `grad` is the gradient the node receives (∂loss/∂output).

public enum NodeExplanations {
    public static let table: [String: String] = [
        "NllLossBackward0": "starts the chain: ∂loss/∂log-prob is −1/N at each sample's target class and 0 elsewhere (mean over the batch of N)",
        "LogSoftmaxBackward0": "grad_input = grad − softmax(x)⋅Σ grad over the classes, row by row",
        "SoftmaxBackward0": "grad_input = y⋅(grad − Σ grad⋅y over the classes), with y = softmax(x)",
        "AddmmBackward0": "grad_input = grad⋅Wᵀ, grad_weight = inputᵀ⋅grad, grad_bias = Σ grad over the batch (out = bias + input⋅W, W = weight.t())",
        "MmBackward0": "grad_a = grad⋅bᵀ, grad_b = aᵀ⋅grad (out = a⋅b)",
        "TBackward0": "transposes the gradient back: the weight's grad gets its [out, in] layout",
        "ReluBackward0": "grad_input = grad where the input was > 0, and 0 where ReLU clipped it",
        "ViewBackward0": "reshapes the gradient back to the input's shape (the flatten): no arithmetic",
        "ReshapeAliasBackward0": "reshapes the gradient back to the input's shape: no arithmetic",
        "UnsafeViewBackward0": "reshapes the gradient back to the input's shape: no arithmetic",
        "MaxPool2DWithIndicesBackward0": "sends each gradient to the position that held the max of its window; every other position gets 0",
        "ConvolutionBackward0": "grad_input = transposed conv of grad with W, grad_weight = input ⋆ grad (correlation), grad_bias = Σ grad over batch and positions",
        "AccumulateGrad": "adds the incoming gradient into the leaf's .grad (creates .grad when it is None): this is where accumulation happens",
        "AddBackward0": "out = a + b: both inputs receive grad unchanged (summed over broadcast dimensions)",
        "SubBackward0": "out = a − b: a receives grad, b receives −grad",
        "MulBackward0": "out = a⋅b: grad_a = grad⋅b, grad_b = grad⋅a",
        "DivBackward0": "out = a / b: grad_a = grad / b, grad_b = −grad⋅a / b²",
        "NegBackward0": "out = −x: grad_input = −grad",
        "SumBackward0": "out = Σ x: every input element receives grad (broadcast back to x's shape)",
        "SumBackward1": "sum over dims: grad is broadcast back along the summed dimensions",
        "MeanBackward0": "out = mean(x): every element receives grad / N",
        "MeanBackward1": "mean over dims: grad / N broadcast back along the reduced dimensions",
        "ExpBackward0": "out = eˣ: grad_input = grad⋅out",
        "LogBackward0": "out = log x: grad_input = grad / x",
        "PowBackward0": "out = xⁿ: grad_input = grad⋅n⋅xⁿ⁻¹",
        "TanhBackward0": "out = tanh x: grad_input = grad⋅(1 − out²)",
        "SigmoidBackward0": "out = σ(x): grad_input = grad⋅out⋅(1 − out)",
        "MseLossBackward0": "grad_input = 2⋅(input − target)⋅grad / N",
        "NativeDropoutBackward0": "grad_input = grad⋅mask / (1 − p): only the kept units pass gradient",
        "PermuteBackward0": "permutes the gradient back to the input's dimension order",
        "ExpandBackward0": "sums the gradient over the dimensions that were expanded",
        "UnsqueezeBackward0": "removes the added dimension from the gradient",
        "SqueezeBackward0": "puts the removed dimension back into the gradient",
        "CloneBackward0": "passes the gradient through unchanged",
        "CatBackward0": "splits the gradient into the pieces that were concatenated",
        "GatherBackward": "DataParallel's gather: cuts the gradient of the joined output into each replica's rows, on that replica's device",
        "BroadcastBackward": "DataParallel's replicate: sends a replica parameter's gradient back to the module's device; the module's AccumulateGrad sums every replica's",
        "ScatterBackward": "DataParallel's scatter: puts a replica's input gradient back at its rows of the batch (zeros elsewhere)",
    ]

    /// What `name`'s backward computes; a general chain-rule line for names not in the table.
    public static func explain(_ name: String) -> String {
        if let text = table[name] { return text }
        // AddmmBackward1 and the like: the same op with another overload.
        var base = name
        while let last = base.last, last.isNumber { base.removeLast() }
        if let text = table[base + "0"] { return text }
        return "chain rule: multiplies the incoming gradient by this op's local derivative and passes it to each input"
    }
}
