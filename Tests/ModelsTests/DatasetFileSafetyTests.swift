import Autograd
import Foundation
import Models
import Testing

/// Reads bounded by what the files prove: sizes checked against headers before reading, files
/// opened so that a FIFO or a device cannot block, lookups that fail for a reason other than
/// "not there" reported as that reason.
@Suite struct DatasetFileSafetyTests {
    /// A file of `size` bytes that takes no disk space (a hole), starting with `prefix`.
    static func sparseFile(_ path: String, size: Int, prefix: [UInt8] = []) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        defer { close(fd) }
        if !prefix.isEmpty { _ = prefix.withUnsafeBytes { write(fd, $0.baseAddress, prefix.count) } }
        #expect(ftruncate(fd, off_t(size)) == 0)
    }

    @Test func aFIFONamedLikeADataFileDoesNotHang() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("data_batch_1.bin", DatasetFiles.cifarRecords(labels: [1, 2]))
        #expect(mkfifo(folder.file("test_batch.bin"), 0o644) == 0)
        let error = #expect(throws: DatasetError.self) { try CIFAR10.load(folder: folder.path) }
        #expect(error == .unreadable(path: folder.file("test_batch.bin"), reason: "not a regular file (a FIFO)"))
        let mnist = try TemporaryFolder()
        defer { mnist.remove() }
        try DatasetFiles.writeMNIST(to: mnist)
        try mnist.delete("t10k-labels-idx1-ubyte")
        #expect(mkfifo(mnist.file("t10k-labels-idx1-ubyte"), 0o644) == 0)
        #expect(throws: DatasetError.unreadable(path: mnist.file("t10k-labels-idx1-ubyte"), reason: "not a regular file (a FIFO)")) {
            try MNIST.load(folder: mnist.path)
        }
    }

    @Test func aDeviceIsNotAFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("data_batch_1.bin", DatasetFiles.cifarRecords(labels: [1]))
        #expect(symlink("/dev/zero", folder.file("test_batch.bin")) == 0)
        #expect(throws: DatasetError.unreadable(path: folder.file("test_batch.bin"), reason: "not a regular file (a character device)")) {
            try CIFAR10.load(folder: folder.path)
        }
    }

    @Test func aSymbolicLinkLoopIsReportedAsOne() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(symlink(folder.file("data_batch_1.bin"), folder.file("data_batch_1.bin")) == 0)
        let error = #expect(throws: DatasetError.self) { try CIFAR10.load(folder: folder.path) }
        #expect(error?.description.contains("symbolic links loop") == true, "\(String(describing: error))")
        #expect(error?.description.contains("missing") == false)
        let mnist = try TemporaryFolder()
        defer { mnist.remove() }
        try DatasetFiles.writeMNIST(to: mnist)
        try mnist.delete("train-images-idx3-ubyte")
        #expect(symlink(mnist.file("train-images-idx3-ubyte"), mnist.file("train-images-idx3-ubyte")) == 0)
        let mnistError = #expect(throws: DatasetError.self) { try MNIST.load(folder: mnist.path) }
        #expect(mnistError?.description.contains("symbolic links loop") == true, "\(String(describing: mnistError))")
    }

    /// A lookup that fails for a reason other than "not there" says that reason. Root reads every
    /// folder, so the permission case runs only as another user; a name too long for the file
    /// system fails the same lookup for everyone.
    @Test func aLookupThatFailsSaysWhy() throws {
        let folder = try TemporaryFolder()
        defer {
            chmod(folder.file("locked"), 0o755)
            folder.remove()
        }
        let long = folder.file(String(repeating: "n", count: 300))
        let tooLong = #expect(throws: DatasetError.self) { try MNIST.load(folder: long) }
        #expect(tooLong == .unreadable(path: long, reason: "File name too long"))
        if getuid() != 0 {
            try folder.makeFolder("locked")
            #expect(chmod(folder.file("locked"), 0) == 0)
            let error = #expect(throws: DatasetError.self) { try MNIST.load(folder: folder.file("locked")) }
            #expect(error?.description.contains("Permission denied") == true)
        }
    }

    @Test func anMNISTHeaderClaimingBillionsOfImagesIsCheckedAgainstTheFileSize() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try DatasetFiles.writeMNIST(to: folder)
        var images = DatasetFiles.idxImages(count: 5)
        images.replaceSubrange(4..<8, with: DatasetFiles.bigEndian(1 << 31))
        try folder.write("train-images-idx3-ubyte", images)
        #expect(throws: DatasetError.truncated(path: folder.file("train-images-idx3-ubyte"), expected: 16 + (1 << 31) * 784, got: images.count)) {
            try MNIST.load(folder: folder.path)
        }
        // The largest count the header can hold, with the largest sizes: no overflow.
        var extreme = DatasetFiles.idxImages(count: 1)
        extreme.replaceSubrange(4..<8, with: [0xFF, 0xFF, 0xFF, 0xFF])
        try folder.write("train-images-idx3-ubyte", extreme)
        #expect(throws: DatasetError.self) { try MNIST.load(folder: folder.path) }
    }

    @Test func aHugeSparseCIFARFileIsRefusedBeforeReading() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("test_batch.bin", DatasetFiles.cifarRecords(labels: [1]))
        // Whole records, 30 GB or more than this machine has, whichever is larger.
        let records = max(30_000_000_000, MemorySize.available) / CIFAR10.recordSize + 1
        try Self.sparseFile(folder.file("data_batch_1.bin"), size: records * CIFAR10.recordSize)
        let error = #expect(throws: DatasetError.self) { try CIFAR10.load(folder: folder.path) }
        guard case .tooLarge(_, let bytes, let available)? = error else {
            Issue.record("expected tooLarge, got \(String(describing: error))")
            return
        }
        #expect(bytes > available)
        #expect(error?.description.contains("more than the") == true)
    }

    @Test func aCIFARFileOneByteTooLongHasTheWrongSize() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("data_batch_1.bin", DatasetFiles.cifarRecords(labels: [1, 2]) + [0])
        try folder.write("test_batch.bin", DatasetFiles.cifarRecords(labels: [1]))
        let error = #expect(throws: DatasetError.self) { try CIFAR10.load(folder: folder.path) }
        #expect(error?.description == folder.file("data_batch_1.bin")
                + ": wrong size: 6147 bytes is not a whole number of 3073-byte records (2 records and 1 byte more)")
    }

    @Test func pathsWithControlCharactersArePrintedEscaped() {
        let error = DatasetError.missingFile("/tmp/\u{1B}]0;owned\u{07}/x\u{1B}[2J")
        #expect(error.description == "/tmp/\\e]0;owned\\u{7}/x\\e[2J: missing")
        let long = DatasetError.missingFile(String(repeating: "a", count: 500))
        #expect(long.description == String(repeating: "a", count: 120) + "… (380 more characters): missing")
    }
}
