import Foundation

/// Tests/Fixtures/pages/pytorch_pages.json, written by scripts/make_page_fixtures.py with PyTorch.
struct PageFixtures: Decodable {
    struct Model: Decodable {
        struct Parameter: Decodable {
            let name: String
            let shape: [Int]
            let numel: Int
            let dtype: String
            let device: String
            let requires_grad: Bool
        }
        let print: String
        let count: Int
        let parameters: [Parameter]
    }

    struct Optimizer: Decodable {
        struct Settings: Decodable {
            let lr: Double
            let momentum: Double?
            let dampening: Double?
            let weight_decay: Double
            let nesterov: Bool?
            let betas: [Double]?
            let eps: Double?
        }
        struct Step: Decodable {
            let before: [Double]
            let grad: [Double]
            let after: [Double]
            let state: [String: StateValue]
        }
        let name: String
        let settings: Settings
        let steps: [Step]
    }

    /// A state entry: a tensor's values, or Adam's step count.
    enum StateValue: Decodable {
        case values([Double])
        case number(Double)

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode([Double].self) { self = .values(v) } else { self = .number(try c.decode(Double.self)) }
        }

        var values: [Double] { if case .values(let v) = self { return v } else { return [] } }
        var number: Double { if case .number(let n) = self { return n } else { return .nan } }
    }

    let models: [String: Model]
    let optimizers: [Optimizer]

    static let shared: PageFixtures = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/pages/pytorch_pages.json")
        return try! JSONDecoder().decode(PageFixtures.self, from: Data(contentsOf: url))
    }()
}
