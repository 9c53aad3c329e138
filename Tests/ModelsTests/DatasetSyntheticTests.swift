import Autograd
import Models
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct DatasetSyntheticTests {
    /// Shared by the tests below: 6,000 pictures take a while in a debug build.
    static let shapes = Shapes.split(seed: 1)

    @Test func shapesAreCIFARShapedAndBalanced() {
        let (train, test) = Self.shapes
        #expect(train.count == 5_000)
        #expect(test.count == 1_000)
        #expect(train.sampleShape == [3, 32, 32])
        #expect(train.classNames.count == 10)
        #expect(Array(train.classNames.prefix(4)) == ["circle", "square", "triangle", "cross"])
        let perClass = (0..<10).map { c in (0..<train.count).count { train.label(at: $0) == c } }
        #expect(perClass == Array(repeating: 500, count: 10))
        let values = (0..<50).flatMap { train.sample(at: $0).features }
        #expect(values.allSatisfy { $0 >= -1 && $0 <= 1 })
        #expect(values.min()! < -0.5 && values.max()! > 0.5)
    }

    @Test func shapesAreDeterministicPerSeedAndDifferAcrossSeeds() {
        let a = Shapes.split(seed: 42, trainCount: 200, testCount: 50)
        let b = Shapes.split(seed: 42, trainCount: 200, testCount: 50)
        let c = Shapes.split(seed: 43, trainCount: 200, testCount: 50)
        #expect(a.train.pixels == b.train.pixels)
        #expect(a.test.pixels == b.test.pixels)
        #expect(a.train.pixels != c.train.pixels)
        #expect(a.test.pixels != c.test.pixels)
        #expect(a.test.pixels != Array(a.train.pixels.prefix(a.test.pixels.count)))
        #expect(a.train.sample(at: 7) == b.train.sample(at: 7))
        #expect(a.train.sample(at: 7) != c.train.sample(at: 7))
        // The default sizes draw the same stream: a small split is a prefix of the full one.
        #expect(Array(Self.shapes.train.pixels.prefix(200 * 3_072)) == Shapes.split(seed: 1, trainCount: 200, testCount: 0).train.pixels)
    }

    /// The shape stands out from its background: a picture has two colours plus noise, so some
    /// channel spans far more than the noise alone (±20) could.
    @Test func shapesAreVisible() {
        let (train, _) = Self.shapes
        for index in 0..<200 {
            let bytes = Array(train.imageBytes(at: index))
            let spread = (0..<3).map { c in
                let plane = bytes[c * 1024 ..< (c + 1) * 1024]
                return Int(plane.max()!) - Int(plane.min()!)
            }
            #expect(spread.max()! > 60, "picture \(index) of class \(train.label(at: index)) is flat")
        }
    }

    @Test func spiralsAreThreeClassesOfPlanePoints() throws {
        let split = try DatasetCatalog.load("spirals", seed: 3)
        #expect(split.sampleShape == [2])
        #expect(split.classCount == 3)
        #expect(split.train.count == 900)
        #expect(split.test.count == 300)
        let perClass = (0..<3).map { c in (0..<split.train.count).count { split.train.label(at: $0) == c } }
        #expect(perClass == [300, 300, 300])
        for index in 0..<split.train.count {
            let point = split.train.sample(at: index).features
            #expect(point.count == 2)
            #expect(point[0] * point[0] + point[1] * point[1] <= 1.0001)
        }
    }

    @Test func spiralsFollowTheSeed() {
        let a = Spirals.split(seed: 11)
        let b = Spirals.split(seed: 11)
        let c = Spirals.split(seed: 12)
        #expect(a.train.features == b.train.features)
        #expect(a.train.features != c.train.features)
        #expect(a.test.features != Array(a.train.features.prefix(a.test.features.count)))
    }

    /// Each point sits on its class's arm: its angle is 4k + 4r (k the class, r the radius) up
    /// to the Gaussian noise, so the classes interleave as three spiral arms.
    @Test func spiralsFollowTheirArms() {
        let (train, _) = Spirals.split(seed: 0)
        var deviations: [Double] = []
        for index in 0..<train.count {
            let point = train.sample(at: index).features.map(Double.init)
            let radius = (point[0] * point[0] + point[1] * point[1]).squareRoot()
            let angle = atan2(point[0], point[1])
            let expected = 4 * Double(train.label(at: index)) + 4 * radius
            deviations.append(abs(atan2(sin(angle - expected), cos(angle - expected))))
        }
        let mean = deviations.reduce(0, +) / Double(deviations.count)
        // |N(0, 0.2)| has mean 0.16.
        #expect(mean > 0.1 && mean < 0.22)
        #expect(deviations.count { $0 > 0.8 } < 5)
    }
}
