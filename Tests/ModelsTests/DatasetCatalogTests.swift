import Autograd
import Foundation
import Models
import Testing

@Suite struct DatasetCatalogTests {
    @Test func namesListEveryDataSet() {
        #expect(DatasetCatalog.names == ["digits", "shapes", "spirals", "cifar10:DIR", "mnist:DIR"])
        #expect(DatasetCatalog.defaultName == "digits")
    }

    @Test(arguments: ["digits", "shapes", "spirals"])
    func builtInSetsLoadAndFeedALoader(name: String) throws {
        let split = try DatasetCatalog.load(name, seed: 0)
        #expect(split.name == name)
        let loader = try DataLoader(split.train, batchSize: 16, shuffle: true, seed: 0)
        let batch = try #require(loader.epoch(0).next())
        #expect(batch.inputShape == [16] + split.sampleShape)
        let (inputs, labels) = batch.tensors()
        #expect(inputs.shape == [16] + split.sampleShape)
        #expect(labels.toArray(Int64.self).allSatisfy { $0 >= 0 && $0 < Int64(split.classCount) })
    }

    @Test func badSpecsAreTypedErrors() throws {
        #expect(throws: DatasetError.unknownDataset("imagenet")) { try DatasetCatalog.load("imagenet", seed: 0) }
        #expect(throws: DatasetError.unknownDataset("digits:/tmp")) { try DatasetCatalog.load("digits:/tmp", seed: 0) }
        #expect(throws: DatasetError.folderNotGiven(dataset: "cifar10")) { try DatasetCatalog.load("cifar10", seed: 0) }
        #expect(throws: DatasetError.folderNotGiven(dataset: "mnist")) { try DatasetCatalog.load("mnist:", seed: 0) }
        #expect(throws: DatasetError.missingFolder("/nonexistent/blitz")) { try DatasetCatalog.load("mnist:/nonexistent/blitz", seed: 0) }
        if let home = ProcessInfo.processInfo.environment["HOME"] {
            #expect(throws: DatasetError.missingFolder(home + "/no-such-blitz-folder")) {
                try DatasetCatalog.load("cifar10:~/no-such-blitz-folder", seed: 0)
            }
        }
        let unknown = DatasetError.unknownDataset("imagenet").description
        #expect(unknown == "unknown data set 'imagenet' (known: digits, shapes, spirals, cifar10:DIR, mnist:DIR)")
        #expect(DatasetError.folderNotGiven(dataset: "cifar10").description.contains("cifar10:DIR"))
    }
}
