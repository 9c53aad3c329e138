import Autograd

/// What can be wrong with a data set asked for by name or read from files. Every file is checked
/// before any of it is used, and each problem names the file and what is wrong with it.
public enum DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A name that is not in the catalog.
    case unknownDataset(String)
    /// `cifar10` or `mnist` given without `:DIR`.
    case folderNotGiven(dataset: String)
    case missingFolder(String)
    case notAFolder(String)
    case missingFile(String)
    /// Only a gzip-compressed copy of the file is there.
    case compressedFile(path: String, compressed: String)
    case unreadable(path: String, reason: String)
    case emptyFile(String)
    case truncated(path: String, expected: Int, got: Int)
    case oversized(path: String, expected: Int, got: Int)
    /// A file of fixed-size records whose size is not a whole number of them.
    case notWholeRecords(path: String, size: Int, recordSize: Int)
    /// More bytes than this machine's memory (or the process's limit) can hold.
    case tooLarge(path: String, bytes: Int, available: Int)
    case badMagic(path: String, expected: UInt32, found: UInt32)
    case badDimensions(path: String, found: [Int], expected: [Int])
    case noSamples(String)
    case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
    case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
    case noTrainingFiles(folder: String, expected: [String])

    public var description: String {
        func p(_ text: String) -> String { PrintableText.escaped(text) }
        switch self {
        case .unknownDataset(let name):
            return "unknown data set '\(p(name))' (known: \(DatasetCatalog.names.joined(separator: ", ")))"
        case .folderNotGiven(let dataset):
            return "\(dataset) needs the folder that holds its files: --dataset \(dataset):DIR"
        case .missingFolder(let path):
            return "\(p(path)): no such folder"
        case .notAFolder(let path):
            return "\(p(path)): not a folder"
        case .missingFile(let path):
            return "\(p(path)): missing"
        case .compressedFile(let path, let compressed):
            return "\(p(path)): missing, but \(p(compressed)) is there; decompress it first (gunzip \(p(compressed)))"
        case .unreadable(let path, let reason):
            return "\(p(path)): cannot be read: \(reason)"
        case .emptyFile(let path):
            return "\(p(path)): empty file"
        case .truncated(let path, let expected, let got):
            return "\(p(path)): truncated: expected \(expected) bytes, got \(got)"
        case .oversized(let path, let expected, let got):
            return "\(p(path)): expected \(expected) bytes, got \(got) (extra data after the last record)"
        case .notWholeRecords(let path, let size, let recordSize):
            let (records, rest) = size.quotientAndRemainder(dividingBy: recordSize)
            return "\(p(path)): wrong size: \(size) bytes is not a whole number of \(recordSize)-byte records "
                + "(\(records) records and \(rest) byte\(rest == 1 ? "" : "s") more)"
        case .tooLarge(let path, let bytes, let available):
            return "\(p(path)): needs \(MemorySize.describe(bytes)) of memory, more than the \(MemorySize.describe(available)) available"
        case .badMagic(let path, let expected, let found):
            return "\(p(path)): bad magic number 0x\(hex(found)) (expected 0x\(hex(expected)))"
        case .badDimensions(let path, let found, let expected):
            return "\(p(path)): images are \(dims(found)), expected \(dims(expected))"
        case .noSamples(let path):
            return "\(p(path)): holds no samples"
        case .countMismatch(let images, let imageCount, let labels, let labelCount):
            return "\(p(images)) holds \(imageCount) images but \(p(labels)) holds \(labelCount) labels"
        case .labelOutOfRange(let path, let index, let label, let classCount):
            return "\(p(path)): label \(label) of sample \(index) out of range (expected 0...\(classCount - 1))"
        case .noTrainingFiles(let folder, let expected):
            return "\(p(folder)): none of \(expected.joined(separator: ", ")) found (the CIFAR-10 binary version: extract cifar-10-binary.tar.gz and give its folder)"
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    private func dims(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: "×")
    }
}
