import Autograd
import Testing

/// One row of the gradient-check table: a computation on a few random float64 inputs.
///
/// scripts/pytorch_fixtures.py builds the same computation in PyTorch under the same name, so
/// the graph a row records (names, edges, execution order) is compared with PyTorch's too.
struct GradCheckRow: Sendable, CustomTestStringConvertible {
    /// How a row's random inputs are drawn.
    enum Input: Sendable {
        /// Uniform in [-1, 1).
        case uniform([Int])
        /// Uniform in [0.5, 2): for log, sqrt, fractional powers and divisors.
        case positive([Int])
        /// A random sign and a magnitude in [0.1, 1]: no perturbation crosses relu's kink.
        case awayFromZero([Int])
    }

    let name: String
    let inputs: [Input]
    let check: GradCheck
    let function: @Sendable ([Tensor]) -> Tensor

    init(_ name: String, _ inputs: [Input], check: GradCheck = GradCheck(),
         _ function: @escaping @Sendable ([Tensor]) -> Tensor) {
        self.name = name
        self.inputs = inputs
        self.check = check
        self.function = function
    }

    var testDescription: String { name }

    /// Fresh inputs named input0, input1, ... (the AccumulateGrad labels in the fixtures), on
    /// whichever CPU backend is current.
    func makeInputs(seed: UInt64 = 2024) -> [Tensor] {
        var generator = RandomGenerator(seed: seed)
        return inputs.enumerated().map { i, input in
            let t: Tensor
            switch input {
            case .uniform(let shape): t = GradCheck.randomInput(shape, generator: &generator)
            case .positive(let shape): t = GradCheck.randomInput(shape, low: 0.5, high: 2, generator: &generator)
            case .awayFromZero(let shape): t = GradCheck.randomInput(shape, magnitude: 0.1...1, generator: &generator)
            }
            t.name = "input\(i)"
            return t
        }
    }
}

/// The backends a row is checked on: the reference loops (the definition) and the CPU backend.
enum CheckedBackend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case reference, cpu

    var backend: any Backend {
        switch self {
        case .reference: return Backends.reference
        case .cpu: return Backends.cpu
        }
    }

    var testDescription: String { rawValue }
}
