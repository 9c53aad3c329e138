import Autograd
import Foundation
import Models

/// A fresh folder under the system's temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("blitz-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }

    func makeFolder(_ name: String) throws {
        try FileManager.default.createDirectory(atPath: file(name), withIntermediateDirectories: true)
    }

    func delete(_ name: String) throws {
        try FileManager.default.removeItem(atPath: file(name))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Builders of small, well-formed data files.
enum DatasetFiles {
    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// An IDX image file of `count` images of rows × columns; pixel (image, y, x) is `pixel(image, y, x)`.
    static func idxImages(count: Int, rows: Int = 28, columns: Int = 28, magic: UInt32 = 2051, pixel: (Int, Int, Int) -> UInt8 = { i, y, x in UInt8((i * 7 + y * 3 + x) % 256) }) -> [UInt8] {
        var bytes = bigEndian(magic) + bigEndian(UInt32(count)) + bigEndian(UInt32(rows)) + bigEndian(UInt32(columns))
        for i in 0..<count {
            for y in 0..<rows {
                for x in 0..<columns {
                    bytes.append(pixel(i, y, x))
                }
            }
        }
        return bytes
    }

    static func idxLabels(_ labels: [UInt8], magic: UInt32 = 2049) -> [UInt8] {
        bigEndian(magic) + bigEndian(UInt32(labels.count)) + labels
    }

    /// CIFAR-10 binary records: a label byte, then R, G, B planes; pixel (record, channel, offset).
    static func cifarRecords(labels: [UInt8], pixel: (Int, Int, Int) -> UInt8 = { r, c, p in UInt8((r * 31 + c * 85 + p) % 256) }) -> [UInt8] {
        var bytes: [UInt8] = []
        for (record, label) in labels.enumerated() {
            bytes.append(label)
            for channel in 0..<3 {
                for offset in 0..<1024 {
                    bytes.append(pixel(record, channel, offset))
                }
            }
        }
        return bytes
    }

    /// A good MNIST folder: `train` and `test` images with labels i % 10.
    static func writeMNIST(to folder: TemporaryFolder, train: Int = 5, test: Int = 3) throws {
        try folder.write("train-images-idx3-ubyte", idxImages(count: train))
        try folder.write("train-labels-idx1-ubyte", idxLabels((0..<train).map { UInt8($0 % 10) }))
        try folder.write("t10k-images-idx3-ubyte", idxImages(count: test))
        try folder.write("t10k-labels-idx1-ubyte", idxLabels((0..<test).map { UInt8(($0 + 3) % 10) }))
    }
}

/// Randomly damaged copies of a good file, for the fuzz tests.
enum Mutation {
    static func mutate(_ bytes: [UInt8], header: Int, generator: inout RandomGenerator) -> [UInt8] {
        var bytes = bytes
        let operations = 1 + generator.nextInt(below: 3)
        for _ in 0..<operations {
            switch generator.nextInt(below: 7) {
            case 0 where !bytes.isEmpty:
                // A byte of the header set to anything.
                bytes[generator.nextInt(below: min(header, bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            case 1 where !bytes.isEmpty:
                bytes[generator.nextInt(below: bytes.count)] = UInt8(truncatingIfNeeded: generator.next())
            case 2:
                bytes.removeLast(generator.nextInt(below: bytes.count + 1))
            case 3:
                bytes += (0..<generator.nextInt(below: 40)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            case 4 where bytes.count >= 4:
                // A 32-bit header field set to an extreme value.
                let field = generator.nextInt(below: max(1, min(header, bytes.count) / 4))
                let value: UInt32 = [0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, UInt32(truncatingIfNeeded: generator.next())][generator.nextInt(below: 5)]
                bytes.replaceSubrange(field * 4 ..< field * 4 + 4, with: DatasetFiles.bigEndian(value))
            case 5 where !bytes.isEmpty:
                bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: generator.nextInt(below: bytes.count))
            default:
                bytes = Array(bytes.prefix(generator.nextInt(below: header + 2)))
            }
        }
        return bytes
    }
}

extension Dataset {
    /// Reads every feature of every sample (a loaded data set must be readable throughout).
    func allFeatures() -> [Float] {
        (0..<count).flatMap { sample(at: $0).features }
    }
}
