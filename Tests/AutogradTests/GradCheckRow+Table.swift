import Autograd

/// The table: at least one row per primitive, with broadcasting, scalar operands, dims and
/// keepdim, strides and padding, and every loss reduction. Tensors stay tiny so the full
/// Jacobians (one backward per output element, two forwards per input element) are cheap.
/// Each name matches a graph in scripts/pytorch_fixtures.py; keep the two in step.
extension GradCheckRow {
    static let all: [GradCheckRow] = arithmetic + pointwise + reductions + linalg + layout + networkOps

    static let arithmetic: [GradCheckRow] = [
        GradCheckRow("add", [.uniform([2, 3]), .uniform([3])]) { $0[0] + $0[1] },
        GradCheckRow("add_broadcast_both", [.uniform([2, 1, 3]), .uniform([4, 1])]) { $0[0] + $0[1] },
        GradCheckRow("sub", [.uniform([2, 3]), .uniform([2, 1])]) { $0[0] - $0[1] },
        GradCheckRow("mul", [.uniform([2, 3]), .uniform([1, 3])]) { $0[0] * $0[1] },
        GradCheckRow("mul_same_input", [.uniform([2, 3])]) { $0[0] * $0[0] },
        GradCheckRow("div", [.uniform([2, 3]), .positive([3])]) { $0[0] / $0[1] },
        GradCheckRow("div_broadcast_numerator", [.uniform([3]), .positive([2, 3])]) { $0[0] / $0[1] },
        GradCheckRow("neg", [.uniform([2, 3])]) { -$0[0] },
        GradCheckRow("add_scalar", [.uniform([2, 3])]) { $0[0] + 1.5 },
        GradCheckRow("scalar_add", [.uniform([2, 3])]) { 1.5 + $0[0] },
        GradCheckRow("sub_scalar", [.uniform([2, 3])]) { $0[0] - 0.5 },
        GradCheckRow("rsub_scalar", [.uniform([2, 3])]) { 2.0 - $0[0] },
        GradCheckRow("mul_scalar", [.uniform([2, 3])]) { $0[0] * 3.0 },
        GradCheckRow("scalar_mul", [.uniform([2, 3])]) { 3.0 * $0[0] },
        GradCheckRow("div_scalar", [.uniform([2, 3])]) { $0[0] / 4.0 },
    ]

    static let pointwise: [GradCheckRow] = [
        GradCheckRow("pow_2", [.uniform([2, 3])]) { $0[0].pow(2) },
        GradCheckRow("pow_fractional", [.positive([2, 3])]) { $0[0].pow(1.5) },
        GradCheckRow("pow_negative", [.positive([2, 3])]) { $0[0].pow(-2) },
        GradCheckRow("pow_0", [.uniform([2, 3])]) { $0[0].pow(0) },
        GradCheckRow("exp", [.uniform([2, 3])]) { $0[0].exp() },
        GradCheckRow("log", [.positive([2, 3])]) { $0[0].log() },
        GradCheckRow("sqrt", [.positive([2, 3])]) { $0[0].sqrt() },
        GradCheckRow("relu", [.awayFromZero([2, 3])]) { $0[0].relu() },
        GradCheckRow("sigmoid", [.uniform([2, 3])]) { $0[0].sigmoid() },
        GradCheckRow("tanh", [.uniform([2, 3])]) { $0[0].tanh() },
    ]

    static let reductions: [GradCheckRow] = [
        GradCheckRow("sum", [.uniform([2, 3])]) { $0[0].sum() },
        GradCheckRow("sum_dims", [.uniform([2, 3, 4])]) { $0[0].sum(dims: [0, 2]) },
        GradCheckRow("sum_dim_keepdim", [.uniform([2, 3, 4])]) { $0[0].sum(dim: 1, keepdim: true) },
        GradCheckRow("sum_negative_dim", [.uniform([2, 3])]) { $0[0].sum(dim: -1) },
        GradCheckRow("mean", [.uniform([2, 3])]) { $0[0].mean() },
        GradCheckRow("mean_dims", [.uniform([2, 3, 4])]) { $0[0].mean(dims: [0, 2]) },
        GradCheckRow("mean_dim_keepdim", [.uniform([2, 3, 4])]) { $0[0].mean(dim: 1, keepdim: true) },
        GradCheckRow("max_dim", [.uniform([3, 4])]) { $0[0].max(dim: 1).values },
        GradCheckRow("max_dim_keepdim", [.uniform([3, 4])]) { $0[0].max(dim: 0, keepdim: true).values },
        GradCheckRow("max", [.uniform([3, 4])]) { $0[0].max() },
    ]

    static let linalg: [GradCheckRow] = [
        GradCheckRow("mm", [.uniform([2, 3]), .uniform([3, 4])]) { $0[0].mm($0[1]) },
        GradCheckRow("bmm", [.uniform([2, 2, 3]), .uniform([2, 3, 2])]) { $0[0].bmm($0[1]) },
        GradCheckRow("addmm", [.uniform([4]), .uniform([2, 3]), .uniform([3, 4])]) { Tensor.addmm($0[0], $0[1], $0[2]) },
        GradCheckRow("addmm_matrix_bias", [.uniform([2, 4]), .uniform([2, 3]), .uniform([3, 4])]) {
            Tensor.addmm($0[0], $0[1], $0[2])
        },
        GradCheckRow("linear", [.uniform([4]), .uniform([2, 3]), .uniform([4, 3])]) { Tensor.addmm($0[0], $0[1], $0[2].t()) },
    ]

    static let layout: [GradCheckRow] = [
        GradCheckRow("t", [.uniform([2, 3])]) { $0[0].t() },
        GradCheckRow("transpose", [.uniform([2, 3, 4])]) { $0[0].transpose(0, 2) },
        GradCheckRow("permute", [.uniform([2, 3, 4])]) { $0[0].permute(2, 0, 1) },
        GradCheckRow("view", [.uniform([2, 6])]) { $0[0].view(3, 4) },
        GradCheckRow("view_infer", [.uniform([2, 6])]) { $0[0].view(-1, 3) },
        GradCheckRow("reshape", [.uniform([2, 6])]) { $0[0].reshape(4, -1) },
        GradCheckRow("reshape_noncontiguous", [.uniform([2, 3])]) { $0[0].t().reshape(-1) },
        GradCheckRow("flatten", [.uniform([2, 3, 2])]) { $0[0].flatten(startDim: 1) },
        GradCheckRow("unsqueeze", [.uniform([2, 3])]) { $0[0].unsqueeze(1) },
        GradCheckRow("squeeze", [.uniform([1, 3, 1])]) { $0[0].squeeze() },
        GradCheckRow("squeeze_dim", [.uniform([1, 3, 1])]) { $0[0].squeeze(0) },
        GradCheckRow("contiguous", [.uniform([2, 3])]) { $0[0].t().contiguous() },
        GradCheckRow("expand", [.uniform([3, 1])]) { $0[0].expand([2, 3, 4]) },
        GradCheckRow("expand_same_shape", [.uniform([2, 3])]) { $0[0].expand([-1, 3]) },
        GradCheckRow("to_dtype", [.uniform([2, 3])], check: GradCheck(eps: 1e-3)) {
            // Through float32 and back: float32 rounding needs a larger step than 1e-6.
            $0[0].to(.float32).to(.float64)
        },
    ]

    static let networkOps: [GradCheckRow] = [
        GradCheckRow("conv2d", [.uniform([2, 2, 5, 5]), .uniform([3, 2, 3, 3]), .uniform([3])]) {
            Tensor.conv2d($0[0], weight: $0[1], bias: $0[2])
        },
        GradCheckRow("conv2d_stride_padding", [.uniform([1, 2, 5, 6]), .uniform([2, 2, 3, 2]), .uniform([2])]) {
            Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 1), padding: (1, 2))
        },
        GradCheckRow("conv2d_no_bias", [.uniform([1, 2, 4, 4]), .uniform([3, 2, 3, 3])]) {
            Tensor.conv2d($0[0], weight: $0[1])
        },
        GradCheckRow("max_pool2d", [.uniform([1, 2, 4, 4])]) { Tensor.maxPool2d($0[0], kernelSize: (2, 2)) },
        GradCheckRow("max_pool2d_stride_padding", [.uniform([1, 1, 5, 5])]) {
            Tensor.maxPool2d($0[0], kernelSize: (3, 3), stride: (2, 2), padding: (1, 1))
        },
        GradCheckRow("log_softmax", [.uniform([3, 4])]) { $0[0].logSoftmax(dim: 1) },
        GradCheckRow("log_softmax_dim0", [.uniform([3, 4])]) { $0[0].logSoftmax(dim: 0) },
        GradCheckRow("nll_loss_mean", [.uniform([3, 4])]) { Tensor.nllLoss($0[0], Tensor([0, 3, 1]), reduction: .mean) },
        GradCheckRow("nll_loss_sum", [.uniform([3, 4])]) { Tensor.nllLoss($0[0], Tensor([0, 3, 1]), reduction: .sum) },
        GradCheckRow("nll_loss_none", [.uniform([3, 4])]) { Tensor.nllLoss($0[0], Tensor([0, 3, 1]), reduction: .none) },
        GradCheckRow("cross_entropy", [.uniform([3, 4])]) { Tensor.crossEntropy($0[0], Tensor([2, 0, 3])) },
        GradCheckRow("mse_loss_mean", [.uniform([2, 3]), .uniform([2, 3])]) { Tensor.mseLoss($0[0], $0[1], reduction: .mean) },
        GradCheckRow("mse_loss_sum", [.uniform([2, 3]), .uniform([2, 3])]) { Tensor.mseLoss($0[0], $0[1], reduction: .sum) },
        GradCheckRow("mse_loss_none", [.uniform([2, 3]), .uniform([2, 3])]) { Tensor.mseLoss($0[0], $0[1], reduction: .none) },
        GradCheckRow("gather", [.uniform([3, 4])]) {
            // Index 3 twice in one row: backward must add both gradients into one element.
            $0[0].gather(dim: 1, index: Tensor([0, 2, 3, 3, 1, 0], shape: [3, 2]))
        },
        GradCheckRow("gather_dim0", [.uniform([3, 4])]) { $0[0].gather(dim: 0, index: Tensor([2, 0, 1, 1], shape: [1, 4])) },
        GradCheckRow("dropout", [.uniform([3, 4])]) {
            // A fresh generator with a fixed seed: the same mask at every evaluation.
            var generator = RandomGenerator(seed: 7)
            return $0[0].dropout(p: 0.4, training: true, generator: &generator)
        },
        GradCheckRow("softmax", [.uniform([3, 4])]) { $0[0].softmax(dim: 1) },
    ]
}
