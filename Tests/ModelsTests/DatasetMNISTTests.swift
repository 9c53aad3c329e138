import Autograd
import Models
import Testing

@Suite struct DatasetMNISTTests {
    @Test func loadsGoodFilesPaddedAndNormalised() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try DatasetFiles.writeMNIST(to: folder, train: 5, test: 3)
        let (train, test) = try MNIST.load(folder: folder.path)
        #expect(train.count == 5)
        #expect(test.count == 3)
        #expect(train.sampleShape == [1, 32, 32])
        #expect(train.classNames == (0...9).map(String.init))
        #expect((0..<5).map(train.label(at:)) == [0, 1, 2, 3, 4])
        #expect((0..<3).map(test.label(at:)) == [3, 4, 5])

        let features = train.sample(at: 2).features
        // A 2-pixel border of byte 0, i.e. −1 after normalisation.
        #expect(features[0] == -1)
        #expect(features[31] == -1)
        #expect(features[1 * 32 + 1] == -1)
        #expect(features[31 * 32 + 31] == -1)
        // Pixel (y, x) of the file sits at (y + 2, x + 2), as (v/255 − 0.5)/0.5.
        for (y, x) in [(0, 0), (5, 9), (27, 27), (13, 0)] {
            let byte = Float((2 * 7 + y * 3 + x) % 256)
            #expect(features[(y + 2) * 32 + x + 2] == (byte / 255 - 0.5) / 0.5)
        }
        #expect(features.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test func catalogLoadsMNISTAndKeepsFileOrderWithoutShuffling() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try DatasetFiles.writeMNIST(to: folder, train: 10, test: 4)
        let split = try DatasetCatalog.load("mnist:" + folder.path, seed: 0)
        #expect(split.name.hasPrefix("mnist"))
        let loader = try DataLoader(split.train, batchSize: 4, shuffle: false)
        let labels = Array(loader.epoch(0)).flatMap(\.labels)
        #expect(labels == (0..<10).map { Int64($0 % 10) })
    }

    @Test func acceptsTheDottedFileNames() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("train-images.idx3-ubyte", DatasetFiles.idxImages(count: 2))
        try folder.write("train-labels.idx1-ubyte", DatasetFiles.idxLabels([1, 2]))
        try folder.write("t10k-images.idx3-ubyte", DatasetFiles.idxImages(count: 1))
        try folder.write("t10k-labels.idx1-ubyte", DatasetFiles.idxLabels([9]))
        let (train, test) = try MNIST.load(folder: folder.path)
        #expect(train.count == 2)
        #expect(test.label(at: 0) == 9)
    }

    @Test func missingFilesAndFolders() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: DatasetError.missingFile(folder.file("train-images-idx3-ubyte"))) {
            try MNIST.load(folder: folder.path)
        }
        try DatasetFiles.writeMNIST(to: folder)
        try folder.delete("t10k-labels-idx1-ubyte")
        #expect(throws: DatasetError.missingFile(folder.file("t10k-labels-idx1-ubyte"))) {
            try MNIST.load(folder: folder.path)
        }
        #expect(throws: DatasetError.missingFolder(folder.file("nowhere"))) {
            try MNIST.load(folder: folder.file("nowhere"))
        }
        #expect(throws: DatasetError.notAFolder(folder.file("train-images-idx3-ubyte"))) {
            try MNIST.load(folder: folder.file("train-images-idx3-ubyte"))
        }
    }

    @Test func compressedFilesAskToBeDecompressed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("train-images-idx3-ubyte.gz", [0x1F, 0x8B, 8, 0])
        let error = #expect(throws: DatasetError.self) { try MNIST.load(folder: folder.path) }
        #expect(error == .compressedFile(path: folder.file("train-images-idx3-ubyte"), compressed: folder.file("train-images-idx3-ubyte.gz")))
        #expect(error?.description.contains("gunzip") == true)
    }

    /// One broken file in an otherwise good folder, and the error it must give.
    @Test func brokenFilesAreNamedErrors() throws {
        let images = "train-images-idx3-ubyte"
        let labels = "train-labels-idx1-ubyte"
        let good = DatasetFiles.idxImages(count: 5)
        let cases: [(file: String, bytes: [UInt8], error: (String) -> DatasetError)] = [
            (images, [], { .emptyFile($0) }),
            (images, Array(good.prefix(10)), { .truncated(path: $0, expected: 16, got: 10) }),
            (images, Array(good.dropLast(100)), { .truncated(path: $0, expected: 16 + 5 * 784, got: 16 + 5 * 784 - 100) }),
            (images, good + [0, 0], { .oversized(path: $0, expected: 16 + 5 * 784, got: 16 + 5 * 784 + 2) }),
            (images, DatasetFiles.idxImages(count: 5, magic: 2049), { .badMagic(path: $0, expected: 2051, found: 2049) }),
            (images, DatasetFiles.idxImages(count: 5, magic: 0x0803_0000), { .badMagic(path: $0, expected: 2051, found: 0x0803_0000) }),
            (images, DatasetFiles.idxImages(count: 5, rows: 20, columns: 20), { .badDimensions(path: $0, found: [20, 20], expected: [28, 28]) }),
            (images, DatasetFiles.idxImages(count: 0), { .noSamples($0) }),
            (labels, DatasetFiles.idxLabels([0, 1, 2, 3], magic: 2051), { .badMagic(path: $0, expected: 2049, found: 2051) }),
            (labels, DatasetFiles.idxLabels([0, 1, 2, 12, 4]), { .labelOutOfRange(path: $0, index: 3, label: 12, classCount: 10) }),
            (labels, Array(DatasetFiles.idxLabels([0, 1, 2, 3, 4]).dropLast()), { .truncated(path: $0, expected: 13, got: 12) }),
        ]
        for (file, bytes, error) in cases {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try DatasetFiles.writeMNIST(to: folder, train: 5)
            try folder.write(file, bytes)
            #expect(throws: error(folder.file(file))) { try MNIST.load(folder: folder.path) }
        }
    }

    @Test func mismatchedCountsAreAnError() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try DatasetFiles.writeMNIST(to: folder, train: 5)
        try folder.write("train-labels-idx1-ubyte", DatasetFiles.idxLabels([1, 2, 3, 4]))
        let expected = DatasetError.countMismatch(
            images: folder.file("train-images-idx3-ubyte"), imageCount: 5,
            labels: folder.file("train-labels-idx1-ubyte"), labelCount: 4)
        #expect(throws: expected) { try MNIST.load(folder: folder.path) }
        #expect(expected.description.contains("holds 5 images but"))
    }

    @Test func messagesNameTheFileAndTheProblem() {
        #expect(DatasetError.truncated(path: "/d/f", expected: 800, got: 10).description == "/d/f: truncated: expected 800 bytes, got 10")
        #expect(DatasetError.badMagic(path: "/d/f", expected: 2051, found: 0xDEAD_BEEF).description == "/d/f: bad magic number 0xDEADBEEF (expected 0x00000803)")
        #expect(DatasetError.labelOutOfRange(path: "/d/l", index: 5, label: 12, classCount: 10).description == "/d/l: label 12 of sample 5 out of range (expected 0...9)")
        #expect(DatasetError.missingFile("/d/f").description == "/d/f: missing")
    }

    /// Thousands of randomly damaged file pairs: every one either loads into a readable data
    /// set or gives a DatasetError, never a crash.
    @Test func randomlyMutatedFilesNeverCrash() throws {
        var generator = RandomGenerator(seed: 2051)
        let images = DatasetFiles.idxImages(count: 3)
        let labels = DatasetFiles.idxLabels([1, 5, 9])
        var loaded = 0
        var failed = 0
        for round in 0..<3_000 {
            let badImages = round % 2 == 0 ? Mutation.mutate(images, header: 16, generator: &generator) : images
            let badLabels = round % 2 == 1 || round % 5 == 0 ? Mutation.mutate(labels, header: 8, generator: &generator) : labels
            do {
                let dataset = try MNIST.dataset(images: badImages, imagesPath: "images", labels: badLabels, labelsPath: "labels")
                #expect(dataset.allFeatures().allSatisfy { $0 >= -1 && $0 <= 1 })
                #expect((0..<dataset.count).allSatisfy { dataset.label(at: $0) < 10 })
                loaded += 1
            } catch {
                #expect(!"\(error)".isEmpty)
                failed += 1
            }
        }
        // The mutations must actually break files, and sometimes leave them loadable.
        #expect(failed > 1_000)
        #expect(loaded > 50)
    }

    @Test func mutatedFilesOnDiskNeverCrash() throws {
        var generator = RandomGenerator(seed: 49)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try DatasetFiles.writeMNIST(to: folder, train: 3, test: 2)
        let good = DatasetFiles.idxImages(count: 2)
        for _ in 0..<200 {
            try folder.write("t10k-images-idx3-ubyte", Mutation.mutate(good, header: 16, generator: &generator))
            do {
                let (_, test) = try MNIST.load(folder: folder.path)
                #expect(test.count == 2)
            } catch {
                #expect("\(error)".contains("t10k-"))
            }
        }
    }
}
