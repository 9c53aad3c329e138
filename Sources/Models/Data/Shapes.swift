import Autograd

/// A CIFAR-shaped data set that needs no download: 3×32×32 colour pictures of ten kinds of shape
/// (circle, square, triangle, ...) at a random position and size, in a random colour on a random
/// background with pixel noise. Everything comes from the seed, so a seed gives the same pictures
/// on every machine, and generation takes a few milliseconds (a release build).
///
/// Pictures are stored as bytes and normalised like CIFAR-10: (v/255 − 0.5)/0.5.
public enum Shapes {
    public static let classNames = [
        "circle", "square", "triangle", "cross", "ring",
        "diamond", "x", "frame", "star", "crescent",
    ]
    public static let trainCount = 5_000
    public static let testCount = 1_000
    public static let size = 32

    /// Training and test pictures, independent draws from streams derived from `seed`.
    public static func split(seed: UInt64, trainCount: Int = trainCount, testCount: Int = testCount) -> (train: ByteImageDataset, test: ByteImageDataset) {
        var seeds = RandomGenerator(seed: seed)
        var trainGenerator = RandomGenerator(seed: seeds.next())
        var testGenerator = RandomGenerator(seed: seeds.next())
        return (pictures(trainCount, generator: &trainGenerator), pictures(testCount, generator: &testGenerator))
    }

    /// `count` pictures; the classes take turns (0, 1, ..., 9, 0, ...) so all are equally common.
    public static func pictures(_ count: Int, generator: inout RandomGenerator) -> ByteImageDataset {
        let pictureSize = 3 * size * size
        var pixels = [UInt8](repeating: 0, count: count * pictureSize)
        var labels = [UInt8](repeating: 0, count: count)
        pixels.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<count {
                let kind = i % classNames.count
                labels[i] = UInt8(kind)
                let picture = UnsafeMutableBufferPointer(rebasing: buffer[i * pictureSize ..< (i + 1) * pictureSize])
                draw(ShapeKind(rawValue: kind)!, into: picture, generator: &generator)
            }
        }
        return ByteImageDataset(
            pixels: pixels, labels: labels, storedShape: [3, size, size], classNames: classNames,
            normalise: { (Float($0) / 255 - 0.5) / 0.5 })
    }

    /// Paints one picture (planar R, G, B) into `picture`.
    static func draw(_ kind: ShapeKind, into picture: UnsafeMutableBufferPointer<UInt8>, generator: inout RandomGenerator) {
        let background = Colour(generator.next())
        var foreground = Colour(generator.next())
        // Keep the shape visible: retry until it stands apart from the background.
        var tries = 0
        while foreground.distance(to: background) < 200 && tries < 8 {
            foreground = Colour(generator.next())
            tries += 1
        }
        if foreground.distance(to: background) < 200 {
            foreground = Colour(red: 255 - background.red, green: 255 - background.green, blue: 255 - background.blue)
        }
        let radius = 6 + 7 * Float(generator.nextDouble())
        let span = Float(size) - 2 * radius
        let centreX = radius + span * Float(generator.nextDouble())
        let centreY = radius + span * Float(generator.nextDouble())
        let plane = size * size
        let scale = 1 / radius
        for y in 0..<size {
            let v = (Float(y) + 0.5 - centreY) * scale
            let rowMeetsShape = abs(v) <= 1
            for x in 0..<size {
                let u = (Float(x) + 0.5 - centreX) * scale
                let inside = rowMeetsShape && abs(u) <= 1 && kind.contains(u, v)
                let colour = inside ? foreground : background
                // One draw gives the noise of all three channels: uniform in −20...20.
                let noise = generator.next()
                let pixel = y * size + x
                picture[pixel] = colour.red.jittered(by: noise)
                picture[plane + pixel] = colour.green.jittered(by: noise >> 16)
                picture[2 * plane + pixel] = colour.blue.jittered(by: noise >> 32)
            }
        }
    }
}

/// An RGB colour of 0...255 channels.
struct Colour {
    var red: Int
    var green: Int
    var blue: Int

    init(red: Int, green: Int, blue: Int) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colour spelled by the low 24 bits of a random draw.
    init(_ bits: UInt64) {
        self.init(red: Int(bits & 0xFF), green: Int((bits >> 8) & 0xFF), blue: Int((bits >> 16) & 0xFF))
    }

    func distance(to other: Colour) -> Int {
        abs(red - other.red) + abs(green - other.green) + abs(blue - other.blue)
    }
}

extension Int {
    /// This channel value plus noise in −20...20 taken from the low 16 bits of `bits` (scaled by a
    /// multiply and shift rather than a division, which dominated the generation time), clamped to a byte.
    @inline(__always)
    fileprivate func jittered(by bits: UInt64) -> UInt8 {
        UInt8(clamping: self + Int(((bits & 0xFFFF) &* 41) >> 16) - 20)
    }
}
