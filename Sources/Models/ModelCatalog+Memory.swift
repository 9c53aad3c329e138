/// How many values a model's forward pass produces per sample (every layer's output, the
/// activations included): what a batch's memory grows with. Counted from the spec and the
/// input shape, so a batch too large for the machine can be refused before anything is allocated.
extension ModelCatalog {
    /// Output values per sample summed over every layer (nil for a spec that does not parse).
    public static func activationsPerSample(_ spec: String, inputShape: [Int], classes: Int) -> Double? {
        guard let parsed = try? parse(spec) else { return nil }
        let features = inputShape.reduce(1.0) { $0 * Double($1) }
        switch parsed {
        case .blitzNet:
            guard inputShape.count == 3 else { return nil }
            let (h, w) = (Double(inputShape[1]), Double(inputShape[2]))
            let conv1 = 6 * (h - 4) * (w - 4)
            let pool1 = conv1 / 4
            let conv2 = 16 * ((h - 4) / 2 - 4) * ((w - 4) / 2 - 4)
            let pool2 = conv2 / 4
            // Convolutions and linear layers, each with its ReLU; the pools keep their indices too.
            return 2 * conv1 + 2 * pool1 + 2 * conv2 + 2 * pool2 + 2 * (120 + 84) + 2 * Double(classes)
        case .mlp(let hiddenSizes):
            return features + 2 * hiddenSizes.reduce(0.0) { $0 + Double($1) } + 2 * Double(classes)
        }
    }
}
