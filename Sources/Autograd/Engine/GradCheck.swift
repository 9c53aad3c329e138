/// Finite-difference gradient checking, like `torch.autograd.gradcheck`.
///
/// For a function of float64 tensors it builds the Jacobian of the output with respect to every
/// input that requires grad twice. Analytically: one backward per output element, seeded with a
/// one-hot gradient, the graph retained between them. Numerically: central differences
/// (f(x + eps) − f(x − eps)) / 2·eps, one element of one input at a time, with recording off.
/// Every entry must pass PyTorch's allclose rule, |analytical − numerical| ≤ atol + rtol·|numerical|,
/// with PyTorch's defaults (eps 1e-6, atol 1e-5, rtol 1e-3). The result names the worst entry, so
/// a failing check says which input, which element and which output element disagree.
///
/// Inputs that require grad must be float64 leaves on the CPU: the numerical pass perturbs their
/// storage in place (and restores it). Any other input (an int64 index, a constant) is passed
/// through untouched. The function must build the same computation every time it is called.
public struct GradCheck: Sendable {
    public var eps: Double
    public var atol: Double
    public var rtol: Double

    public init(eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3) {
        self.eps = eps
        self.atol = atol
        self.rtol = rtol
    }

    /// A float64 leaf that requires grad, uniform in [low, high), from `generator`.
    public static func randomInput(_ shape: [Int], low: Double = -1, high: Double = 1,
                                   generator: inout RandomGenerator) -> Tensor {
        let t = Tensor.uniform(shape, low: low, high: high, dtype: .float64, generator: &generator)
        try! t.requireGrad()
        return t
    }

    /// A float64 leaf that requires grad whose elements have a random sign and a magnitude in
    /// `magnitude`: for functions with a kink at zero (relu), so no perturbation crosses it.
    public static func randomInput(_ shape: [Int], magnitude: ClosedRange<Double>,
                                   generator: inout RandomGenerator) -> Tensor {
        let values = (0..<Shape.count(shape)).map { _ -> Double in
            let size = magnitude.lowerBound + (magnitude.upperBound - magnitude.lowerBound) * generator.nextDouble()
            return generator.nextDouble() < 0.5 ? -size : size
        }
        let t = Tensor(values, shape: shape)
        try! t.requireGrad()
        return t
    }

    /// Compares the analytical and numerical Jacobians of `function` at `inputs`.
    public func check(_ inputs: [Tensor], _ function: ([Tensor]) -> Tensor) -> GradCheckResult {
        var problems: [String] = []
        let checked = inputs.indices.filter { inputs[$0].requiresGrad }
        if checked.isEmpty { problems.append("no input requires grad, so there is nothing to check") }
        for i in checked {
            let x = inputs[i]
            if x.dtype != .float64 { problems.append("input \(i) is \(x.dtype): gradcheck needs float64 inputs") }
            if x.device != .cpu { problems.append("input \(i) is on \(x.device): gradcheck perturbs host memory, so inputs must be on the CPU") }
            if !x.isLeaf { problems.append("input \(i) is not a leaf (it has grad_fn \(x.gradFn!.name))") }
        }
        if !problems.isEmpty { return GradCheckResult(problems: problems) }

        let savedGrads = inputs.map(\.grad)
        defer { for (x, g) in zip(inputs, savedGrads) { x.grad = g } }

        let output = function(inputs)
        guard output.requiresGrad else {
            return GradCheckResult(problems: ["the output does not require grad: no input that requires grad reached it"])
        }
        guard output.gradFn != nil else {
            return GradCheckResult(problems: ["the output is a leaf: the function recorded no op"])
        }
        guard output.dtype.isFloatingPoint else {
            return GradCheckResult(problems: ["the output is \(output.dtype), not floating point"])
        }
        let outCount = output.count

        // analytical[i][k * outCount + j] = d output[j] / d inputs[checked[i]][k]
        var analytical = checked.map { [Double](repeating: 0, count: inputs[$0].count * outCount) }
        var nodeNames: [String] = []
        for j in 0..<outCount {
            for x in inputs { x.grad = nil }
            var oneHot = [Double](repeating: 0, count: outCount)
            oneHot[j] = 1
            let seed = Tensor(oneHot, shape: output.shape).to(output.dtype)
            do throws(AutogradError) {
                let stepper = try BackwardStepper(root: output, gradient: seed, retainGraph: true)
                while let step = try stepper.step() {
                    if j == 0 { nodeNames.append(step.node.name) }
                }
            } catch {
                return GradCheckResult(problems: ["backward for output element \(j) failed: \(error)"], nodeNames: nodeNames)
            }
            for (slot, i) in checked.enumerated() {
                let x = inputs[i]
                guard let g = x.grad else { continue } // no gradient reached it: a zero column
                guard g.shape == x.shape, g.dtype == x.dtype else {
                    problems.append("input \(i): gradient of shape \(Shape.describe(g.shape)) and \(g.dtype) for an input of shape \(Shape.describe(x.shape)) and \(x.dtype)")
                    continue
                }
                for (k, v) in g.doubles.enumerated() { analytical[slot][k * outCount + j] = v }
            }
        }
        if !problems.isEmpty { return GradCheckResult(problems: problems, nodeNames: nodeNames) }

        var worst: GradCheckResult.Entry?
        var worstRatio = -Double.infinity
        var failures = 0
        let baseline = noGrad { function(inputs) }.count
        for (slot, i) in checked.enumerated() {
            let x = inputs[i]
            let values = x.storage.buffer(Double.self)
            for k in 0..<x.count {
                let original = values[k]
                values[k] = original + eps
                let plus = noGrad { function(inputs) }.doubles
                values[k] = original - eps
                let minus = noGrad { function(inputs) }.doubles
                values[k] = original
                guard plus.count == baseline, minus.count == baseline else {
                    return GradCheckResult(problems: ["the output changed size when input \(i) was perturbed"], nodeNames: nodeNames)
                }
                for j in 0..<outCount {
                    let numerical = (plus[j] - minus[j]) / (2 * eps)
                    let entry = GradCheckResult.Entry(input: i, element: x.multiIndex(k), flatElement: k, outputElement: j,
                                                      analytical: analytical[slot][k * outCount + j], numerical: numerical,
                                                      allowed: atol + rtol * Swift.abs(numerical))
                    let ratio = entry.error.isNaN ? Double.infinity : entry.error / entry.allowed
                    if !(entry.error <= entry.allowed) { failures += 1 }
                    if ratio > worstRatio {
                        worstRatio = ratio
                        worst = entry
                    }
                }
            }
        }
        return GradCheckResult(problems: [], worst: worst, failures: failures,
                               entries: checked.reduce(0) { $0 + inputs[$1].count } * outCount,
                               nodeNames: nodeNames, tolerance: (atol, rtol))
    }
}

/// What a gradient check found: structural problems, or the worst Jacobian entry.
public struct GradCheckResult: Sendable, CustomStringConvertible {
    /// One entry of the Jacobian: d output[outputElement] / d input[element].
    public struct Entry: Sendable, Equatable {
        public let input: Int
        public let element: [Int]
        public let flatElement: Int
        public let outputElement: Int
        public let analytical: Double
        public let numerical: Double
        /// atol + rtol·|numerical|.
        public let allowed: Double
        public var error: Double { Swift.abs(analytical - numerical) }
    }

    /// Reasons the check could not compare Jacobians (wrong dtype, no graph, a shape mismatch).
    public let problems: [String]
    /// The entry furthest outside (or least inside) its tolerance.
    public let worst: Entry?
    /// How many entries are outside their tolerance.
    public let failures: Int
    /// How many entries were compared.
    public let entries: Int
    /// The nodes the first backward ran, in order (AccumulateGrad included).
    public let nodeNames: [String]
    let tolerance: (atol: Double, rtol: Double)

    init(problems: [String], worst: Entry? = nil, failures: Int = 0, entries: Int = 0,
         nodeNames: [String] = [], tolerance: (Double, Double) = (0, 0)) {
        self.problems = problems
        self.worst = worst
        self.failures = failures
        self.entries = entries
        self.nodeNames = nodeNames
        self.tolerance = tolerance
    }

    public var passed: Bool { problems.isEmpty && failures == 0 }
    /// The largest |analytical − numerical| seen (of the worst entry).
    public var maxError: Double { worst?.error ?? 0 }

    public var description: String {
        if !problems.isEmpty { return "gradcheck could not run: " + problems.joined(separator: "; ") }
        guard let w = worst else { return "gradcheck passed: no Jacobian entries (the output is empty)" }
        let place = "input \(w.input) element \(Shape.describe(w.element)), output element \(w.outputElement)"
        if passed {
            return "gradcheck passed: \(entries) Jacobian entries, worst |analytical - numerical| = \(w.error) at \(place)"
        }
        return "gradcheck failed: \(failures) of \(entries) Jacobian entries differ; worst at \(place): "
            + "analytical \(w.analytical), numerical \(w.numerical), |difference| \(w.error) > "
            + "atol \(tolerance.atol) + rtol \(tolerance.rtol) * |numerical| = \(w.allowed)"
    }
}

extension Tensor {
    /// The multi-index of flat element `k` in row-major order.
    func multiIndex(_ k: Int) -> [Int] {
        var index = [Int](repeating: 0, count: rank)
        var rest = k
        for d in stride(from: rank - 1, through: 0, by: -1) {
            index[d] = rest % shape[d]
            rest /= shape[d]
        }
        return index
    }
}
