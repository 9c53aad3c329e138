import Autograd

/// The models `--model` can name, built for a data set's input shape and class count.
///
/// A spec is a name with optional arguments after a colon: `blitz-net`, `mlp` (hidden sizes
/// 128, 64), `mlp:256,128`. `make` checks the spec, builds the model from a seed, and then does a
/// dry run over shapes with a batch of one, so a model that cannot take the data's inputs
/// (blitz-net on anything but 32×32 images) is a `ModelError` saying why, before any training.
public enum ModelCatalog {
    /// Every model name, in the order `--help` lists them.
    public static let names = ["blitz-net", "mlp"]

    /// One line per model for help texts.
    public static let summaries: [(name: String, summary: String)] = [
        ("blitz-net", "the 60-minute blitz's Net: 2 conv + 3 linear layers, needs C×32×32 images"),
        ("mlp[:H1,H2,...]", "flatten, then Linear layers fc1, fc2, ... with ReLU between (default hidden sizes 128,64)"),
    ]

    /// The hidden sizes of a plain `mlp`.
    public static let defaultMLPHiddenSizes = [128, 64]

    /// A parsed spec.
    public enum Spec: Sendable, Equatable {
        case blitzNet
        case mlp(hiddenSizes: [Int])
    }

    /// Parses `blitz-net`, `mlp`, `mlp:256,128`.
    public static func parse(_ spec: String) throws(ModelError) -> Spec {
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        let arguments = parts.count > 1 ? String(parts[1]) : nil
        switch name {
        case "blitz-net":
            if let arguments { throw .badSpec(spec: spec, reason: "blitz-net takes no arguments (got \"\(arguments)\")") }
            return .blitzNet
        case "mlp":
            guard let arguments else { return .mlp(hiddenSizes: defaultMLPHiddenSizes) }
            if arguments.isEmpty { return .mlp(hiddenSizes: []) }
            var sizes: [Int] = []
            for field in arguments.split(separator: ",", omittingEmptySubsequences: false) {
                guard let size = Int(field.trimmingSpaces), size > 0, size <= 1 << 20 else {
                    throw .badSpec(spec: spec, reason: "hidden sizes must be whole numbers from 1 to 1048576, separated by commas (got \"\(field)\")")
                }
                sizes.append(size)
            }
            return .mlp(hiddenSizes: sizes)
        default:
            throw .unknownModel(name: name, known: names)
        }
    }

    /// Builds the model `spec` for inputs of `inputShape` (C, H, W for images, or [features],
    /// without the batch dimension) and `classes` outputs, initialised from `seed`.
    public static func make(_ spec: String, inputShape: [Int], classes: Int, seed: UInt64) throws(ModelError) -> Module {
        let parsed = try parse(spec)
        guard classes > 0 else { throw .badClasses(classes) }
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw .doesNotFit(model: spec, inputShape: inputShape, reason: "the input shape must have positive sizes")
        }
        // Refuse sizes that would exhaust memory before allocating anything.
        let parameters = parameterCount(parsed, inputShape: inputShape, classes: classes)
        guard let parameters, parameters <= maxParameters else {
            throw .doesNotFit(model: spec, inputShape: inputShape,
                              reason: "it would have \(parameters.map(String.init) ?? "too many") parameters (the limit is \(maxParameters))")
        }
        var generator = RandomGenerator(seed: seed)
        let model: Module & ShapeInferring
        switch parsed {
        case .blitzNet:
            model = BlitzNet(inputChannels: inputShape[0], classes: classes, generator: &generator)
        case .mlp(let hiddenSizes):
            let features = inputShape.reduce(1, *)
            model = MLP(inFeatures: features, hiddenSizes: hiddenSizes, classes: classes, generator: &generator)
        }
        // The dry run: the same walk as forward, over shapes, with a batch of one.
        do throws(ShapeError) {
            let output = try model.outputShape(for: [1] + inputShape)
            guard output == [1, classes] else {
                throw ShapeError("it would output \(Shape.describe(output)) per batch of one, not [1, \(classes)]")
            }
        } catch {
            let hint = parsed == .blitzNet ? " (blitz-net needs images of shape [channels, 32, 32])" : ""
            throw .doesNotFit(model: spec, inputShape: inputShape, reason: error.message + hint)
        }
        return model
    }
}

extension ModelCatalog {
    /// The most parameters a model may have (about 400 MB of float32).
    public static let maxParameters = 100_000_000

    /// How many parameters the model `spec` names would have (nil: a bad spec, or too many to count).
    public static func parameterCount(_ spec: String, inputShape: [Int], classes: Int) -> Int? {
        guard let parsed = try? parse(spec) else { return nil }
        return parameterCount(parsed, inputShape: inputShape, classes: classes)
    }

    /// How many parameters `spec` would have, or nil if the count overflows.
    static func parameterCount(_ spec: Spec, inputShape: [Int], classes: Int) -> Int? {
        func layer(_ fanIn: Int, _ fanOut: Int, _ total: Int?) -> Int? {
            guard let total else { return nil }
            let (weights, o1) = fanIn.multipliedReportingOverflow(by: fanOut)
            let (withBias, o2) = weights.addingReportingOverflow(fanOut)
            let (sum, o3) = total.addingReportingOverflow(withBias)
            return o1 || o2 || o3 ? nil : sum
        }
        switch spec {
        case .blitzNet:
            let (fanIn, overflow) = inputShape[0].multipliedReportingOverflow(by: 25)
            if overflow { return nil }
            var total = layer(fanIn, 6, 0)
            total = layer(6 * 25, 16, total)
            total = layer(400, 120, total)
            total = layer(120, 84, total)
            return layer(84, classes, total)
        case .mlp(let hiddenSizes):
            var features: Int? = 1
            for n in inputShape {
                guard let f = features else { break }
                let (p, o) = f.multipliedReportingOverflow(by: n)
                features = o ? nil : p
            }
            guard let features else { return nil }
            let widths = [features] + hiddenSizes + [classes]
            var total: Int? = 0
            for i in 0..<(widths.count - 1) { total = layer(widths[i], widths[i + 1], total) }
            return total
        }
    }
}

/// A model that cannot be built as asked.
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownModel(name: String, known: [String])
    case badSpec(spec: String, reason: String)
    case badClasses(Int)
    case doesNotFit(model: String, inputShape: [Int], reason: String)

    public var description: String {
        switch self {
        case .unknownModel(let name, let known):
            return "unknown model \"\(name)\" (choose from: \(known.joined(separator: ", ")))"
        case .badSpec(let spec, let reason):
            return "bad model spec \"\(spec)\": \(reason)"
        case .badClasses(let n):
            return "a model needs at least one class, got \(n)"
        case .doesNotFit(let model, let inputShape, let reason):
            return "model \(model) cannot take inputs of shape \(Shape.describe(inputShape)): \(reason)"
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
