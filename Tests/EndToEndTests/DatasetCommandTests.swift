import Foundation
import Testing

/// `--dataset cifar10` without a folder and `blitz-tui datasets`, through the binary with its
/// cache in a temporary XDG_CACHE_HOME. (The downloads themselves are tested against a local
/// server in DatasetDownloadsTests.)
@Suite(.serialized) struct DatasetCommandTests {
    static func run(cache: URL, _ arguments: [String], mirror: String? = nil) throws -> Binary.Result {
        let environment = ["XDG_CACHE_HOME=\(cache.path)"] + (mirror.map { ["BLITZ_DATA_MIRROR=\($0)"] } ?? [])
        let r = try Subprocess.run(["env"] + environment + [Binary.path] + arguments)
        return Binary.Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    /// A CIFAR-10 folder in the cache, as an earlier download would have left it.
    static func fillCache(_ cache: URL) throws -> URL {
        let folder = cache.appendingPathComponent("blitz-tui/datasets/cifar10/cifar-10-batches-bin")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func records(_ labels: [UInt8]) -> Data {
            Data(labels.flatMap { label in [label] + (0..<3072).map { UInt8(($0 * 3 + Int(label)) % 256) } })
        }
        for i in 1...5 { try records([UInt8(i), UInt8(i + 1)]).write(to: folder.appendingPathComponent("data_batch_\(i).bin")) }
        try records([0, 1, 2]).write(to: folder.appendingPathComponent("test_batch.bin"))
        return folder.deletingLastPathComponent()
    }

    @Test func cifar10FromTheCacheTrainsTheThreeChannelNet() throws {
        let cache = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let folder = try Self.fillCache(cache)
        // An unreachable mirror proves nothing is downloaded when the data set is there.
        let r = try Self.run(cache: cache, ["train", "--dataset", "cifar10", "--headless", "--steps", "2", "--threads", "1"],
                             mirror: "http://127.0.0.1:9/")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("training blitz-net on cifar10 (\(folder.path))"), "\(r.stdout)")
        let graph = try Self.run(cache: cache, ["graph", "--dataset", "cifar10"])
        #expect(graph.stdout.contains("conv1"), "\(graph.stderr)")
        let list = try Self.run(cache: cache, ["datasets"])
        #expect(list.status == 0)
        #expect(list.lines.first == "cache    \(cache.path)/blitz-tui/datasets")
        // 13 records of 3,073 bytes.
        #expect(list.lines.contains { $0.hasPrefix("cifar10  ready, 39.9 kB in \(folder.path)") }, "\(list.stdout)")
        #expect(list.lines.contains("mnist    not downloaded (--dataset mnist downloads it)"))
    }

    @Test func offlineTheErrorNamesTheURLWhyAndWhereToPutTheFile() throws {
        let cache = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let r = try Self.run(cache: cache, ["train", "--dataset", "cifar10", "--headless", "--steps", "1"], mirror: "http://127.0.0.1:9")
        #expect(r.status == 1)
        #expect(r.stderr.contains("http://127.0.0.1:9/cifar-10-binary.tar.gz: Couldn't connect to server"), "\(r.stderr)")
        #expect(r.stderr.contains("(MD5 c32a1d4ab5d03f1284b67883e8d87530)"))
        #expect(r.stderr.contains("put it at \(cache.path)/blitz-tui/datasets/downloads/cifar-10-binary.tar.gz"))
        #expect(r.stderr.contains("--dataset cifar10:DIR"))
        // Nothing half-made is left: no data set folder and no empty download.
        let left = FileManager.default.enumerator(atPath: cache.path)?.allObjects as? [String] ?? []
        #expect(left.sorted() == ["blitz-tui", "blitz-tui/datasets", "blitz-tui/datasets/downloads"])
        let list = try Self.run(cache: cache, ["datasets"])
        #expect(list.lines.contains("cifar10  not downloaded (--dataset cifar10 downloads it)"))
    }

    @Test func aBadFlagIsReportedBeforeAnyDownload() throws {
        let cache = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let r = try Self.run(cache: cache, ["train", "--dataset", "mnist", "--headless", "--lr", "-1"], mirror: "http://127.0.0.1:9")
        #expect(r.status == 1)
        #expect(r.stderr.contains("--lr"))
        #expect(!r.stderr.contains("127.0.0.1"))
    }
}
