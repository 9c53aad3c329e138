import Autograd

/// CIFAR-10, "binary version" (cifar-10-binary.tar.gz, extracted): data_batch_1.bin ...
/// data_batch_5.bin for training (those present, in order) and test_batch.bin for testing.
/// Each file is a run of 3,073-byte records: the label byte, then 1,024 red, 1,024 green and
/// 1,024 blue pixel bytes of a 32×32 image. The file bytes are kept as they are; pixels map to
/// (v/255 − 0.5)/0.5 when a batch is built.
public enum CIFAR10 {
    public static let classNames = [
        "airplane", "automobile", "bird", "cat", "deer",
        "dog", "frog", "horse", "ship", "truck",
    ]
    public static let recordSize = 1 + 3 * 32 * 32
    public static let trainingFiles = (1...5).map { "data_batch_\($0).bin" }
    public static let testFile = "test_batch.bin"
    /// The folder the archive extracts to; accepted inside the folder given.
    static let archiveFolder = "cifar-10-batches-bin"

    /// Reads and checks the training files present and the test file in `folder` (or in its
    /// cifar-10-batches-bin subfolder, where the archive puts them). Every file's size is checked
    /// (whole records, and all of them together within memory) before any is read.
    public static func load(folder: String) throws(DatasetError) -> (train: ByteImageDataset, test: ByteImageDataset) {
        try BinaryFile.checkFolder(folder)
        var folder = folder
        let nested = BinaryFile.join(folder, archiveFolder)
        if try !containsData(folder) && BinaryFile.isFolder(nested) {
            if try containsData(nested) { folder = nested }
        }
        var present: [String] = []
        for name in trainingFiles {
            let path = BinaryFile.join(folder, name)
            if try BinaryFile.exists(path) { present.append(path) }
        }
        guard !present.isEmpty else { throw .noTrainingFiles(folder: folder, expected: trainingFiles) }
        let testPath = BinaryFile.join(folder, testFile)
        var files: [BinaryFile.Handle] = []
        defer { files.forEach { $0.close() } }
        var total = 0
        for path in present + [testPath] {
            let file = try BinaryFile.open(path)
            files.append(file)
            _ = try checkSize(file.size, path: path)
            total += file.size
        }
        guard total <= MemorySize.available else { throw .tooLarge(path: folder, bytes: total, available: MemorySize.available) }
        var records: [UInt8] = []
        for file in files.dropLast() {
            let bytes = try file.readAll()
            _ = try check(bytes, path: file.path)
            records += bytes
        }
        let train = dataset(checkedRecords: records)
        let test = try dataset(records: files[files.count - 1].readAll(), path: testPath)
        return (train, test)
    }

    /// The images of one file's bytes (`path` names it in errors), checked first.
    public static func dataset(records: [UInt8], path: String) throws(DatasetError) -> ByteImageDataset {
        _ = try check(records, path: path)
        return dataset(checkedRecords: records)
    }

    /// Checks that a file of `size` bytes holds whole records; returns the record count.
    public static func checkSize(_ size: Int, path: String) throws(DatasetError) -> Int {
        if size == 0 { throw .emptyFile(path) }
        let (records, rest) = size.quotientAndRemainder(dividingBy: recordSize)
        if rest != 0 { throw .notWholeRecords(path: path, size: size, recordSize: recordSize) }
        return records
    }

    /// Checks that `bytes` is a whole number of records with labels 0...9; returns the record count.
    public static func check(_ bytes: [UInt8], path: String) throws(DatasetError) -> Int {
        let records = try checkSize(bytes.count, path: path)
        for index in 0..<records {
            let label = Int(bytes[index * recordSize])
            if label >= classNames.count {
                throw .labelOutOfRange(path: path, index: index, label: label, classCount: classNames.count)
            }
        }
        return records
    }

    private static func dataset(checkedRecords records: [UInt8]) -> ByteImageDataset {
        let count = records.count / recordSize
        let labels = (0..<count).map { records[$0 * recordSize] }
        return ByteImageDataset(
            pixels: records, firstPixel: 1, stride: recordSize, labels: labels, storedShape: [3, 32, 32],
            classNames: classNames, normalise: { (Float($0) / 255 - 0.5) / 0.5 })
    }

    private static func containsData(_ folder: String) throws(DatasetError) -> Bool {
        for name in trainingFiles + [testFile] where try BinaryFile.exists(BinaryFile.join(folder, name)) {
            return true
        }
        return false
    }
}
