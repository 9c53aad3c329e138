import Autograd
import Foundation
import Testing

/// PyTorch's NaN rules, from Tests/Fixtures/nan/pytorch_nan_rules.json (scripts/nan_rules_fixture.py):
/// max_pool2d keeps the last NaN of a window (`val > maxval || isnan(val)`), and ReLU's backward
/// passes the gradient where the input is NaN (threshold_backward). The reference backend is the
/// definition; every CPU backend (vector kernels on and off, one and four threads) must agree.
@Suite struct NaNRuleTests {
    struct PoolCase: CustomStringConvertible, Sendable {
        var name: String
        var geometry: ConvGeometry
        var input, values, gradOutput, gradInput: [Double]
        var indices: [Int64]
        var description: String { name }
    }

    struct ReluCase: Sendable {
        var input, output, gradOutput, gradInput: [Double]
    }

    static func loadFixture() -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/nan/pytorch_nan_rules.json")
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    /// Numbers, with the fixture's "nan", "inf" and "-inf" strings.
    static func numbers(_ value: Any?) -> [Double] {
        (value as? [Any] ?? []).map { item in
            if let n = item as? NSNumber { return n.doubleValue }
            switch item as? String {
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: return .nan
            }
        }
    }

    static let poolCases: [PoolCase] = (loadFixture()["max_pool2d"] as? [[String: Any]] ?? []).map { c in
        let shape = (c["shape"] as? [Int]) ?? []
        let kernel = (c["kernel"] as? [Int]) ?? [], stride = (c["stride"] as? [Int]) ?? [], padding = (c["padding"] as? [Int]) ?? []
        let g = ConvGeometry(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
                             kernelH: kernel[0], kernelW: kernel[1], strideH: stride[0], strideW: stride[1],
                             paddingH: padding[0], paddingW: padding[1])
        return PoolCase(name: c["name"] as? String ?? "?", geometry: g, input: numbers(c["input"]),
                        values: numbers(c["values"]), gradOutput: numbers(c["grad_output"]),
                        gradInput: numbers(c["grad_input"]), indices: numbers(c["indices"]).map { Int64($0) })
    }

    static let relu: ReluCase? = (loadFixture()["relu"] as? [String: Any]).map { r in
        ReluCase(input: numbers(r["input"]), output: numbers(r["output"]),
                 gradOutput: numbers(r["grad_output"]), gradInput: numbers(r["grad_input"]))
    }

    static let backends: [any Backend] = [CPUCheck.reference] + CPUCheck.backends

    static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { ($0.isNaN && $1.isNaN) || $0 == $1 }
    }

    @Test func theFixtureIsThere() {
        #expect(Self.poolCases.count == 2)
        #expect(Self.poolCases.allSatisfy { $0.input.contains { $0.isNaN } })
    }

    @Test(arguments: poolCases, [DType.float32, .float64])
    func maxPoolKeepsTheLastNaN(case c: PoolCase, dtype: DType) {
        for backend in Self.backends {
            let (values, indices) = backend.maxPool2d(CPUCheck.storage(c.input, dtype, on: backend), c.geometry)
            #expect(Self.same(CPUCheck.read(values), c.values), "\(c) values on \(backend.name) \(dtype)")
            #expect(CPUCheck.typed(indices, Int64.self) == c.indices, "\(c) indices on \(backend.name) \(dtype)")
            let grad = backend.maxPool2dBackward(CPUCheck.storage(c.gradOutput, dtype, on: backend), indices: indices, c.geometry)
            #expect(Self.same(CPUCheck.read(grad), c.gradInput), "\(c) gradient on \(backend.name) \(dtype)")
        }
    }

    @Test(arguments: [DType.float32, .float64])
    func reluBackwardPassesTheGradientAtNaN(dtype: DType) throws {
        let relu = try #require(Self.relu)
        let (input, gradOutput, output, expected) = (relu.input, relu.gradOutput, relu.output, relu.gradInput)
        for backend in Self.backends {
            let grad = backend.binary(.reluBackward, CPUCheck.storage(gradOutput, dtype, on: backend), [output.count],
                                      CPUCheck.storage(output, dtype, on: backend), [output.count], outShape: [output.count])
            #expect(Self.same(CPUCheck.read(grad), expected), "relu backward on \(backend.name) \(dtype)")
        }
        // And through the engine: relu saves its output, and backward runs the kernel above.
        let x = try Tensor(input, shape: [input.count]).to(dtype).requireGrad()
        try x.relu().backward(Tensor(gradOutput, shape: [input.count]).to(dtype))
        #expect(Self.same(x.grad?.doubles ?? [], expected))
    }
}
