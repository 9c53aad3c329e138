import Autograd
import Foundation
import Testing

/// A float64 parameter with a gradient, for exact hand computations.
private func parameter(_ values: [Double], grad: [Double]? = nil) -> Tensor {
    let p = Tensor.parameter(Tensor(values))
    if let grad { p.grad = Tensor(grad) }
    return p
}

private func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}

@Suite("Optimizers")
struct OptimTests {
    // p = [1, 2], g = [0.5, −1], lr = 0.1 throughout.

    @Test func plainSGD() throws {
        let p = parameter([1, 2], grad: [0.5, -1])
        let sgd = try SGD([p], lr: 0.1)
        sgd.step()
        #expect(close(p.doubles, [0.95, 2.1]))
        #expect(sgd.name == "SGD")
    }

    @Test func sgdMomentumStartsWithTheGradient() throws {
        let p = parameter([1, 2], grad: [0.5, -1])
        let sgd = try SGD([p], lr: 0.1, momentum: 0.9)
        #expect(!sgd.hasMomentumBuffer(0))
        sgd.step()
        // buf = g
        #expect(close(p.doubles, [0.95, 2.1]))
        #expect(sgd.hasMomentumBuffer(0))
        sgd.step()
        // buf = 0.9·g + g = 1.9·g = [0.95, −1.9]
        #expect(close(p.doubles, [0.855, 2.29]))
    }

    @Test func sgdDampeningNesterovAndWeightDecay() throws {
        let a = parameter([1, 2], grad: [0.5, -1])
        let dampened = try SGD([a], lr: 0.1, momentum: 0.9, dampening: 0.5)
        dampened.step()
        dampened.step()
        // step 1: buf = g (no dampening on the first step); step 2: buf = 0.9·g + 0.5·g = 1.4·g
        #expect(close(a.doubles, [1 - 0.05 - 0.07, 2 + 0.1 + 0.14]))

        let b = parameter([1, 2], grad: [0.5, -1])
        try SGD([b], lr: 0.1, momentum: 0.9, nesterov: true).step()
        // buf = g, then g + 0.9·buf = 1.9·g
        #expect(close(b.doubles, [0.905, 2.19]))

        let c = parameter([1, 2], grad: [0.5, -1])
        try SGD([c], lr: 0.1, weightDecay: 0.1).step()
        // g + 0.1·p = [0.6, −0.8]
        #expect(close(c.doubles, [0.94, 2.08]))
    }

    @Test func adamFirstStepMovesByTheLearningRate() throws {
        let p = parameter([1, 2], grad: [0.5, -1])
        let adam = try Adam([p], lr: 0.1)
        adam.step()
        // m_hat = g and v_hat = g², so the step is lr·g/(|g| + eps).
        #expect(close(p.doubles, [1 - 0.1 * 0.5 / (0.5 + 1e-8), 2 + 0.1 * 1 / (1 + 1e-8)]))
        #expect(adam.stepCount(0) == 1)
        #expect(adam.name == "Adam")
    }

    @Test func adamSecondStepByHand() throws {
        let p = parameter([1], grad: [0.5])
        let adam = try Adam([p], lr: 0.1, betas: (0.9, 0.999), eps: 0)
        adam.step()
        p.grad = Tensor([-1.0])
        adam.step()
        // m = 0.9·0.05 + 0.1·(−1) = −0.055, v = 0.999·0.00025 + 0.001·1 = 0.00124975
        let mHat = -0.055 / (1 - 0.81)
        let vHat = 0.00124975 / (1 - 0.999 * 0.999)
        #expect(close(p.doubles, [0.9 - 0.1 * mHat / vHat.squareRoot()], tolerance: 1e-12))
    }

    @Test func adamWDecaysTheParameterNotTheGradient() throws {
        let p = parameter([1, 2], grad: [0.5, -1])
        let adamw = try AdamW([p], lr: 0.1, weightDecay: 0.1)
        #expect(adamw.name == "AdamW")
        adamw.step()
        // p·(1 − lr·wd) then the Adam step of g alone.
        #expect(close(p.doubles, [0.99 - 0.1 * 0.5 / (0.5 + 1e-8), 1.98 + 0.1 / (1 + 1e-8)]))

        let q = parameter([1, 2], grad: [0.5, -1])
        try Adam([q], lr: 0.1, weightDecay: 0.1).step()
        // Adam adds wd·p to g: g = [0.6, −0.8], and the first step is still lr·sign.
        #expect(close(q.doubles, [1 - 0.1 * 0.6 / (0.6 + 1e-8), 2 + 0.1 * 0.8 / (0.8 + 1e-8)]))
    }

    @Test func parametersWithoutGradAreSkippedAndOthersUntouched() throws {
        let a = parameter([1, 2])
        let b = parameter([3, 4], grad: [1, 1])
        let outsider = parameter([5, 6], grad: [1, 1])
        let adam = try Adam([a, b])
        adam.step()
        #expect(a.doubles == [1, 2])
        #expect(adam.stepCount(0) == 0)
        #expect(adam.stepCount(1) == 1)
        #expect(b.doubles != [3, 4])
        #expect(outsider.doubles == [5, 6])
        let sgd = try SGD([a], lr: 1, momentum: 0.9)
        sgd.step()
        #expect(!sgd.hasMomentumBuffer(0))
        // zero_grad clears only the optimizer's own parameters.
        adam.zeroGrad()
        #expect(b.grad == nil)
        #expect(outsider.grad != nil)
        b.grad = Tensor([2.0, 2.0])
        adam.zeroGrad(setToNone: false)
        #expect(b.grad?.doubles == [0, 0])
    }

    @Test func learningRateChangesBetweenSteps() throws {
        let p = parameter([1], grad: [1])
        let sgd = try SGD([p], lr: 0.1)
        sgd.step()
        sgd.learningRate = 0.01
        sgd.step()
        #expect(close(p.doubles, [1 - 0.1 - 0.01]))
        let q = parameter([1], grad: [1])
        let adam: any Optimizer = try Adam([q], lr: 0.1)
        adam.learningRate *= 0.5
        #expect(adam.learningRate == 0.05)
    }

    @Test func trainsAFloat32ModelDownhill() throws {
        var g = RandomGenerator(seed: 3)
        let model = Sequential(Linear(2, 8, generator: &g), ReLU(), Linear(8, 1, generator: &g))
        let x = Tensor.randn([16, 2], generator: &g)
        let y = (x.sum(dim: 1, keepdim: true) * 0.5)
        let optimizers: [any Optimizer] = [try SGD(model.parameters(), lr: 0.05, momentum: 0.9)]
        var losses: [Double] = []
        for _ in 0..<30 {
            optimizers[0].zeroGrad()
            let loss = MSELoss()(model(x), y)
            try loss.backward()
            optimizers[0].step()
            losses.append(loss.item())
        }
        #expect(losses.last! < losses.first! * 0.5)
    }

    @Test func invalidSettingsAreErrorsWorthReading() throws {
        let p = parameter([1])
        #expect(throws: OptimizerError("optimizer got an empty parameter list")) { try SGD([], lr: 0.1) }
        #expect(throws: OptimizerError("Invalid learning rate: -0.1")) { try SGD([p], lr: -0.1) }
        #expect(throws: OptimizerError("Invalid momentum value: -1.0")) { try SGD([p], momentum: -1) }
        #expect(throws: OptimizerError("Nesterov momentum requires a momentum and zero dampening")) {
            try SGD([p], momentum: 0.9, dampening: 0.1, nesterov: true)
        }
        #expect(throws: OptimizerError("Invalid weight_decay value: -0.01")) { try AdamW([p], weightDecay: -0.01) }
        #expect(throws: OptimizerError("Invalid beta parameter at index 1: 1.0")) { try Adam([p], betas: (0.9, 1.0)) }
        #expect(throws: OptimizerError("Invalid epsilon value: -1e-08")) { try Adam([p], eps: -1e-8) }
        #expect(throws: OptimizerError.self) { try Adam([p, p]) }
        #expect(throws: OptimizerError.self) { try SGD([p * 2.0]) }
        #expect(throws: OptimizerError.self) { try SGD([Tensor([1, 2])]) }
    }

    // MARK: against PyTorch

    /// One case of Tests/Fixtures/optim/pytorch_steps.json (scripts/make_nn_fixtures.py).
    private struct Case: CustomStringConvertible {
        var optimizer: String
        var options: [String: JSONValue]
        var shapes: [[Int]]
        var initial: [[Double]]
        var steps: [(lr: Double, grads: [[Double]?], after: [[Double]])]

        var description: String { "\(optimizer) \(options.keys.sorted().map { "\($0)=\(options[$0]!.text)" }.joined(separator: " "))" }

        func number(_ key: String, _ fallback: Double) -> Double {
            options[key].flatMap(OptimTests.double) ?? fallback
        }
    }

    static func double(_ value: JSONValue) -> Double? {
        if case .number(let text) = value { return Double(text) }
        if case .bool(let b) = value { return b ? 1 : 0 }
        return nil
    }

    private static func doubles(_ value: JSONValue) -> [Double] {
        guard case .array(let items) = value else { return [] }
        return items.compactMap(double)
    }

    private static func member(_ value: JSONValue, _ key: String) -> JSONValue? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }

    private static func array(_ value: JSONValue?) -> [JSONValue] {
        guard case .array(let items)? = value else { return [] }
        return items
    }

    private static func loadCases() throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/optim/pytorch_steps.json")
        let json = try JSONParser.parse(String(decoding: try Data(contentsOf: url), as: UTF8.self))
        return array(member(json, "cases")).map { c in
            var options: [String: JSONValue] = [:]
            if case .object(let members)? = member(c, "options") {
                for m in members { options[m.key] = m.value }
            }
            let steps = array(member(c, "steps")).map { s in
                (lr: double(member(s, "lr")!)!,
                 grads: array(member(s, "grads")).map { $0 == .null ? nil : doubles($0) },
                 after: array(member(s, "after")).map(doubles))
            }
            return Case(optimizer: { if case .string(let s)? = member(c, "optimizer") { return s }; return "" }(),
                        options: options,
                        shapes: array(member(c, "shapes")).map { doubles($0).map { Int($0) } },
                        initial: array(member(c, "initial")).map(doubles),
                        steps: steps)
        }
    }

    @Test func stepsMatchPyTorch() throws {
        let cases = try OptimTests.loadCases()
        #expect(cases.count == 8)
        for c in cases {
            let params = zip(c.initial, c.shapes).map { Tensor.parameter(Tensor($0, shape: $1)) }
            let optimizer: any Optimizer
            let betas = OptimTests.array(c.options["betas"]).compactMap(OptimTests.double)
            let adamBetas = betas.count == 2 ? (betas[0], betas[1]) : (0.9, 0.999)
            switch c.optimizer {
            case "SGD":
                optimizer = try SGD(params, lr: c.number("lr", 0.001), momentum: c.number("momentum", 0),
                                    dampening: c.number("dampening", 0), weightDecay: c.number("weight_decay", 0),
                                    nesterov: c.number("nesterov", 0) == 1)
            case "Adam":
                optimizer = try Adam(params, lr: c.number("lr", 0.001), betas: adamBetas, eps: c.number("eps", 1e-8),
                                     weightDecay: c.number("weight_decay", 0))
            case "AdamW":
                optimizer = try AdamW(params, lr: c.number("lr", 0.001), betas: adamBetas, eps: c.number("eps", 1e-8),
                                      weightDecay: c.number("weight_decay", 0.01))
            default:
                Issue.record("unknown optimizer \(c.optimizer)")
                continue
            }
            #expect(c.steps.count == 5)
            for (index, step) in c.steps.enumerated() {
                optimizer.learningRate = step.lr
                for (p, grad) in zip(params, step.grads) {
                    p.grad = grad.map { Tensor($0, shape: p.shape) }
                }
                optimizer.step()
                for (i, (p, expected)) in zip(params, step.after).enumerated() {
                    #expect(close(p.doubles, expected, tolerance: 1e-13), "\(c), step \(index + 1), parameter \(i)")
                }
            }
        }
    }
}
