import Autograd
import Foundation
import Models
import Testing
import TestSupport

@Suite struct DatasetDigitsTests {
    @Test func embeddedDigitsAreTheUCISet() {
        let (pixels, labels) = Digits.embedded()
        #expect(labels.count == 1_797)
        #expect(pixels.count == 1_797 * 64)
        #expect(pixels.allSatisfy { $0 <= 16 })
        // Class sizes of the UCI test part, as scikit-learn ships it.
        let perClass = (0...9).map { digit in labels.count { $0 == UInt8(digit) } }
        #expect(perClass == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
        // The first digit of the file (a 0).
        #expect(labels[0] == 0)
        #expect(Array(pixels[0..<16]) == [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0])
    }

    @Test func splitIsFixedWhateverTheSeed() throws {
        let a = try DatasetCatalog.load("digits", seed: 1)
        let b = try DatasetCatalog.load("digits", seed: 987_654)
        #expect(a.name == "digits")
        #expect(a.train.count == 1_437)
        #expect(a.test.count == 360)
        #expect(a.sampleShape == [1, 32, 32])
        #expect(a.classCount == 10)
        let trainLabels = (0..<a.train.count).map(a.train.label(at:))
        #expect(trainLabels == (0..<b.train.count).map(b.train.label(at:)))
        #expect(a.test.sample(at: 17) == b.test.sample(at: 17))
    }

    @Test func splitPartitionsTheDigits() {
        let (train, test) = Digits.split()
        let (pixels, labels) = Digits.embedded()
        // Every digit lands in exactly one part: compare the multisets of (pixels, label).
        func key(_ bytes: ArraySlice<UInt8>, _ label: Int) -> [UInt8] { Array(bytes) + [UInt8(label)] }
        let parts = ((0..<train.count).map { key(train.imageBytes(at: $0), train.label(at: $0)) }
            + (0..<test.count).map { key(test.imageBytes(at: $0), test.label(at: $0)) })
        let all = (0..<labels.count).map { key(pixels[$0 * 64 ..< ($0 + 1) * 64], Int(labels[$0])) }
        #expect(parts.sorted { $0.lexicographicallyPrecedes($1) } == all.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func bothPartsHoldEveryClassInProportion() {
        let (train, test) = Digits.split()
        for (part, expected) in [(train as any Dataset, 143.7), (test as any Dataset, 36.0)] {
            let perClass = (0...9).map { digit in (0..<part.count).count { part.label(at: $0) == digit } }
            for count in perClass {
                // Within 25% of an even share (a random split, not a stratified one).
                #expect(abs(Double(count) - expected) <= 0.25 * expected, "class sizes \(perClass)")
            }
        }
    }

    @Test func valuesAreNormalisedIntoMinusOneToOne() {
        let (train, test) = Digits.split()
        let values = train.allFeatures() + test.allFeatures()
        #expect(values.min() == -1)
        #expect(values.max() == 1)
        #expect(values.allSatisfy { $0.isFinite })
    }

    /// The 32×32 image equals torch.nn.functional.interpolate(mode="bilinear",
    /// align_corners=False) of the normalised 8×8 digit (scripts/fixtures/digits_resize.py).
    @Test func resizeMatchesPyTorchBilinear() {
        let (pixels, labels) = Digits.embedded()
        let first = ByteImageDataset(
            pixels: Array(pixels[0..<64]), labels: [labels[0]], storedShape: [1, 8, 8],
            layout: .resized(height: 32, width: 32), classNames: Digits.classNames,
            normalise: { (Float($0) / 16 - 0.5) / 0.5 })
        let image = first.sample(at: 0).features
        let expected: [Int: [Float]] = [
            0: [-1, -1, -1, -1, -1, -1, -0.921875, -0.765625, -0.609375, -0.453125, -0.25, 0, 0.25, 0.5, 0.5625, 0.4375, 0.3125, 0.1875, 0, -0.25, -0.5, -0.75, -0.890625, -0.921875, -0.953125, -0.984375, -1, -1, -1, -1, -1, -1],
            5: [-1, -1, -1, -1, -1, -1, -0.8125, -0.4375, -0.0625, 0.3125, 0.5429688, 0.6289062, 0.7148438, 0.8007812, 0.7675781, 0.6152344, 0.4628906, 0.3105469, 0.2871094, 0.3925781, 0.4980469, 0.6035156, 0.5175781, 0.2402344, -0.03710938, -0.3144531, -0.5214844, -0.6582031, -0.7949219, -0.9316406, -1, -1],
            13: [-1, -1, -0.9394531, -0.8183594, -0.6972656, -0.5761719, -0.3828125, -0.1171875, 0.1484375, 0.4140625, 0.3574219, -0.02148438, -0.4003906, -0.7792969, -0.9726562, -0.9804688, -0.9882812, -0.9960938, -0.8691406, -0.6074219, -0.3457031, -0.08398438, 0.04101562, 0.02929688, 0.01757812, 0.005859375, -0.125, -0.375, -0.625, -0.875, -1, -1],
            31: [-1, -1, -1, -1, -1, -1, -0.90625, -0.71875, -0.53125, -0.34375, -0.140625, 0.078125, 0.296875, 0.515625, 0.578125, 0.484375, 0.390625, 0.296875, 0.09375, -0.21875, -0.53125, -0.84375, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1],
        ]
        for (row, values) in expected {
            for (x, value) in values.enumerated() {
                #expect(abs(image[row * 32 + x] - value) <= 1e-6, "row \(row), column \(x)")
            }
        }
    }

    /// The embedded bytes are what datasets/digits.csv.gz holds (read with the system's gzip),
    /// so the generated source cannot drift from the shipped file.
    @Test(.enabled(if: Requirement.met(Self.gzip != nil && FileManager.default.fileExists(atPath: Self.shippedFile),
                                        "gzip or datasets/digits.csv.gz is missing")))
    func embeddedDataMatchesTheShippedFile() throws {
        let process = Process()
        let gzip = try #require(Self.gzip, "gzip is not installed")
        try #require(FileManager.default.fileExists(atPath: Self.shippedFile), "\(Self.shippedFile) is missing")
        process.executableURL = URL(fileURLWithPath: gzip)
        process.arguments = ["-dc", Self.shippedFile]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let rows = String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",").map { UInt8($0)! } }
        let (pixels, labels) = Digits.embedded()
        #expect(rows.count == labels.count)
        #expect(rows.flatMap { $0.prefix(64) } == pixels)
        #expect(rows.map { $0[64] } == labels)
    }

    static let shippedFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("datasets/digits.csv.gz").path
    static let gzip = Requirement.onPath("gzip")
}
