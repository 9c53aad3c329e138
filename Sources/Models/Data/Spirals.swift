import Autograd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Three interleaved spirals in the plane (the classic CS231n toy problem): a linear classifier
/// cannot separate them, a small MLP can. Sample shape [2], three classes, points in [−1, 1]².
///
/// A point of class k at radius r ∈ [0, 1) lies at angle 4k + 4r plus a little Gaussian noise,
/// so each arm sweeps 4 radians (about 230°) outwards. Train and test are separate seeded draws.
public enum Spirals {
    public static let classNames = ["spiral 0", "spiral 1", "spiral 2"]
    public static let trainCount = 900
    public static let testCount = 300
    static let noise = 0.2

    public static func split(seed: UInt64) -> (train: ArrayDataset, test: ArrayDataset) {
        var seeds = RandomGenerator(seed: seed)
        var trainGenerator = RandomGenerator(seed: seeds.next())
        var testGenerator = RandomGenerator(seed: seeds.next())
        return (points(trainCount, generator: &trainGenerator), points(testCount, generator: &testGenerator))
    }

    /// `count` points, classes taking turns (0, 1, 2, 0, ...) so every class is equally common.
    public static func points(_ count: Int, generator: inout RandomGenerator) -> ArrayDataset {
        var features: [Float] = []
        features.reserveCapacity(2 * count)
        var labels: [Int] = []
        labels.reserveCapacity(count)
        for i in 0..<count {
            let label = i % classNames.count
            let radius = generator.nextDouble()
            let angle = 4 * Double(label) + 4 * radius + noise * generator.nextNormal()
            features.append(Float(radius * sin(angle)))
            features.append(Float(radius * cos(angle)))
            labels.append(label)
        }
        return ArrayDataset(features: features, labels: labels, sampleShape: [2], classNames: classNames)
    }
}
