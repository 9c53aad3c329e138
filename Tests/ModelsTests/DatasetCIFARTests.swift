import Autograd
import Models
import Testing

@Suite struct DatasetCIFARTests {
    static let recordSize = 3_073

    /// Writes data_batch files with the given labels, and a test_batch.
    private func writeCIFAR(_ folder: TemporaryFolder, batches: [Int: [UInt8]], test: [UInt8] = [4, 2]) throws {
        for (number, labels) in batches {
            try folder.write("data_batch_\(number).bin", DatasetFiles.cifarRecords(labels: labels))
        }
        try folder.write("test_batch.bin", DatasetFiles.cifarRecords(labels: test))
    }

    @Test func loadsPlanesInFileOrder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Batch 2 missing: the ones present are read in order, 1 then 3.
        try writeCIFAR(folder, batches: [3: [7, 8], 1: [0, 1, 2]])
        let (train, test) = try CIFAR10.load(folder: folder.path)
        #expect(train.count == 5)
        #expect(test.count == 2)
        #expect(train.sampleShape == [3, 32, 32])
        #expect(train.classNames[0] == "airplane" && train.classNames[9] == "truck")
        #expect((0..<5).map(train.label(at:)) == [0, 1, 2, 7, 8])

        // Record 1 of data_batch_3 is train sample 4: its R, G, B planes in order.
        let features = train.sample(at: 4).features
        for (channel, offset) in [(0, 0), (0, 1023), (1, 5), (2, 517)] {
            let byte = Float((1 * 31 + channel * 85 + offset) % 256)
            #expect(features[channel * 1024 + offset] == (byte / 255 - 0.5) / 0.5)
        }
        #expect(train.allFeatures().allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test func unshuffledBatchesComeInFileOrder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeCIFAR(folder, batches: [1: [9, 8, 7], 2: [6, 5]])
        let split = try DatasetCatalog.load("cifar10:" + folder.path, seed: 5)
        let loader = try DataLoader(split.train, batchSize: 2)
        let batches = Array(loader.epoch(0))
        #expect(batches.map(\.labels) == [[9, 8], [7, 6], [5]])
        #expect(batches[0].inputShape == [2, 3, 32, 32])
        #expect(split.classCount == 10)
    }

    @Test func findsTheArchiveFolderInside() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.makeFolder("cifar-10-batches-bin")
        try folder.write("cifar-10-batches-bin/data_batch_1.bin", DatasetFiles.cifarRecords(labels: [3]))
        try folder.write("cifar-10-batches-bin/test_batch.bin", DatasetFiles.cifarRecords(labels: [5]))
        let (train, test) = try CIFAR10.load(folder: folder.path)
        #expect(train.label(at: 0) == 3)
        #expect(test.label(at: 0) == 5)
    }

    @Test func missingFilesAreNamed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: DatasetError.noTrainingFiles(folder: folder.path, expected: CIFAR10.trainingFiles)) {
            try CIFAR10.load(folder: folder.path)
        }
        try folder.write("data_batch_1.bin", DatasetFiles.cifarRecords(labels: [1]))
        #expect(throws: DatasetError.missingFile(folder.file("test_batch.bin"))) {
            try CIFAR10.load(folder: folder.path)
        }
        #expect(throws: DatasetError.missingFolder(folder.file("absent"))) {
            try DatasetCatalog.load("cifar10:" + folder.file("absent"), seed: 0)
        }
    }

    @Test func brokenFilesAreNamedErrors() throws {
        let good = DatasetFiles.cifarRecords(labels: [1, 2, 3])
        var badLabel = good
        badLabel[2 * Self.recordSize] = 10
        let cases: [(bytes: [UInt8], error: (String) -> DatasetError)] = [
            ([], { .emptyFile($0) }),
            (Array(good.dropLast(73)), { .notWholeRecords(path: $0, size: 3 * Self.recordSize - 73, recordSize: Self.recordSize) }),
            (Array(good.prefix(100)), { .notWholeRecords(path: $0, size: 100, recordSize: Self.recordSize) }),
            (good + [1], { .notWholeRecords(path: $0, size: 3 * Self.recordSize + 1, recordSize: Self.recordSize) }),
            (badLabel, { .labelOutOfRange(path: $0, index: 2, label: 10, classCount: 10) }),
        ]
        for (bytes, error) in cases {
            for file in ["data_batch_2.bin", "test_batch.bin"] {
                let folder = try TemporaryFolder()
                defer { folder.remove() }
                try writeCIFAR(folder, batches: [1: [0], 2: [1]])
                try folder.write(file, bytes)
                #expect(throws: error(folder.file(file))) { try CIFAR10.load(folder: folder.path) }
            }
        }
    }

    /// Thousands of randomly damaged files: each loads into a readable data set or gives a
    /// DatasetError, never a crash.
    @Test func randomlyMutatedFilesNeverCrash() throws {
        var generator = RandomGenerator(seed: 3073)
        let good = DatasetFiles.cifarRecords(labels: [0, 9, 4])
        var loaded = 0
        var failed = 0
        for _ in 0..<3_000 {
            var bytes = Mutation.mutate(good, header: 8, generator: &generator)
            // Damage the label bytes of later records too, not only the first one.
            if generator.nextInt(below: 4) == 0, bytes.count > Self.recordSize {
                bytes[Self.recordSize] = UInt8(truncatingIfNeeded: generator.next())
            }
            do {
                let dataset = try CIFAR10.dataset(records: bytes, path: "batch")
                #expect(dataset.allFeatures().allSatisfy { $0 >= -1 && $0 <= 1 })
                loaded += 1
            } catch {
                #expect("\(error)".contains("batch"))
                failed += 1
            }
        }
        #expect(failed > 1_000)
        #expect(loaded > 100)
    }

    @Test func mutatedFilesOnDiskNeverCrash() throws {
        var generator = RandomGenerator(seed: 10)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeCIFAR(folder, batches: [1: [0, 1]])
        let good = DatasetFiles.cifarRecords(labels: [2, 3])
        for _ in 0..<200 {
            try folder.write("data_batch_1.bin", Mutation.mutate(good, header: 8, generator: &generator))
            do {
                let (train, _) = try CIFAR10.load(folder: folder.path)
                #expect(train.count >= 1)
            } catch {
                #expect("\(error)".contains("data_batch_1.bin"))
            }
        }
    }
}
