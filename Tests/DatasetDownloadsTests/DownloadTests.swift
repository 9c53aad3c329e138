import Foundation
import Models
import Testing
@testable import DatasetDownloads

/// The download path end to end against a server on 127.0.0.1 that the test starts: a small
/// CIFAR-format archive, corrupted and broken ones, an interrupted download that resumes, a
/// wrong checksum, a stalling server, and an archive that tries to write outside its folder.
@Suite(.serialized) struct DownloadTests {
    let server: LocalHTTPServer
    let root: String
    var lines: [String] = []

    init() throws {
        server = try LocalHTTPServer()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("blitz-cache-\(UUID().uuidString)").path
    }

    func installer(stall: Int = 30) -> DatasetInstaller {
        DatasetInstaller(cache: DatasetCache(root: root), mirror: server.baseURL, stallTimeout: stall, connectTimeout: 5,
                         report: { _ in }, progress: { _ in })
    }

    func cleanUp() {
        server.stop()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Everything left in the cache, as relative paths (folders end in /).
    func cacheContents() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        return e.compactMap { $0 as? String }.sorted()
    }

    static let cifarEntries: [(path: String, kind: TestArchives.Kind)] =
        (1...5).map { ("cifar-10-batches-bin/data_batch_\($0).bin", .file(cifarRecords([UInt8($0), 3]))) }
        + [("cifar-10-batches-bin/test_batch.bin", .file(cifarRecords([9, 0, 1]))),
           ("cifar-10-batches-bin/batches.meta.txt", .file(Array("airplane\n".utf8)))]

    func cifarSource(_ archive: [UInt8], md5: String? = nil) -> DatasetSource {
        var source = DatasetSource.cifar10
        source.files = [.init(name: "cifar-10-binary.tar.gz", md5: md5 ?? MD5.hex(archive), size: archive.count)]
        return source
    }

    @Test func downloadsVerifiesUnpacksAndLoadsCIFAR() throws {
        defer { cleanUp() }
        let archive = TestArchives.tarGz(Self.cifarEntries)
        server.serve("cifar-10-binary.tar.gz", archive)
        var progress: [DownloadProgress] = []
        var reports: [String] = []
        var installer = installer()
        installer.progress = { progress.append($0) }
        installer.report = { reports.append($0) }
        let folder = try installer.ensure(cifarSource(archive))
        #expect(folder == root + "/cifar10")
        let (train, test) = try CIFAR10.load(folder: folder)
        #expect(train.count == 10)
        #expect(test.count == 3)
        #expect(progress.last?.have == archive.count)
        #expect(progress.last?.total == archive.count)
        #expect(reports.first == "downloading cifar-10-binary.tar.gz from \(server.baseURL)cifar-10-binary.tar.gz")
        #expect(reports.contains("cifar-10-binary.tar.gz: MD5 \(MD5.hex(archive)) verified"))
        // Only the unpacked data set stays; a second run uses it without asking the server.
        #expect(!cacheContents().contains { $0.hasSuffix(".gz") || $0.hasSuffix(".part") || $0.contains(".unpack") })
        let before = server.requests.count
        #expect(try installer.ensure(cifarSource(archive)) == folder)
        #expect(server.requests.count == before)
    }

    @Test func aCorruptedDownloadFailsItsChecksumAndLeavesNothing() throws {
        defer { cleanUp() }
        let archive = TestArchives.tarGz(Self.cifarEntries)
        var corrupted = archive
        corrupted[corrupted.count / 2] ^= 0xFF
        server.serve("cifar-10-binary.tar.gz", corrupted)
        let error = #expect(throws: DownloadError.self) { try installer().ensure(cifarSource(archive)) }
        guard case .checksumMismatch(let file, let url, let expected, let got, let manual)? = error else {
            Issue.record("expected a checksum mismatch, got \(String(describing: error))")
            return
        }
        #expect(file == "cifar-10-binary.tar.gz")
        #expect(url == server.baseURL + "cifar-10-binary.tar.gz")
        #expect(expected == MD5.hex(archive) && got == MD5.hex(corrupted))
        #expect(manual.contains(root + "/downloads/cifar-10-binary.tar.gz"))
        #expect(cacheContents() == ["downloads"])
    }

    @Test func theRealChecksumRefusesAnyOtherArchive() throws {
        defer { cleanUp() }
        server.serve("cifar-10-binary.tar.gz", TestArchives.tarGz(Self.cifarEntries))
        let error = #expect(throws: DownloadError.self) { try installer().ensure(.cifar10) }
        #expect(error?.description.contains("expected c32a1d4ab5d03f1284b67883e8d87530") == true)
        #expect(cacheContents() == ["downloads"])
    }

    @Test func aBrokenArchiveWithTheRightChecksumIsNotKept() throws {
        defer { cleanUp() }
        let broken = Array(TestArchives.tarGz(Self.cifarEntries).prefix(300))
        server.serve("cifar-10-binary.tar.gz", broken)
        let error = #expect(throws: DownloadError.self) { try installer().ensure(cifarSource(broken)) }
        guard case .badArchive? = error else {
            Issue.record("expected a broken archive, got \(String(describing: error))")
            return
        }
        #expect(cacheContents() == ["downloads"])
    }

    @Test func anInterruptedDownloadResumesWithARange() throws {
        defer { cleanUp() }
        let archive = TestArchives.tarGz(Self.cifarEntries)
        server.serve("cifar-10-binary.tar.gz", archive, .cutFirstResponse)
        var reports: [String] = []
        var installer = installer()
        installer.report = { reports.append($0) }
        let folder = try installer.ensure(cifarSource(archive))
        #expect(try CIFAR10.load(folder: folder).train.count == 10)
        let requests = server.requests.filter { $0.path == "cifar-10-binary.tar.gz" }
        #expect(requests.count == 2)
        #expect(requests[0].range == nil)
        #expect(requests[1].range == "bytes=\(archive.count / 2)-")
        #expect(reports.contains { $0.contains("resuming (try 2 of 4)") })
    }

    @Test func aPartLeftByAnEarlierRunIsResumed() throws {
        defer { cleanUp() }
        let archive = TestArchives.tarGz(Self.cifarEntries)
        server.serve("cifar-10-binary.tar.gz", archive)
        let source = cifarSource(archive)
        try FileManager.default.createDirectory(atPath: root + "/downloads", withIntermediateDirectories: true)
        let third = archive.count / 3
        FileManager.default.createFile(atPath: root + "/downloads/cifar-10-binary.tar.gz.part", contents: Data(archive[0..<third]))
        // `blitz-tui datasets` reports it against the real archive's published size.
        #expect(DatasetCache(root: root).entries().first?.state == .downloading(bytes: third, of: 170_052_171))
        _ = try installer().ensure(source)
        #expect(server.requests.map(\.range) == ["bytes=\(third)-"])
    }

    @Test func aStallingServerTimesOut() throws {
        defer { cleanUp() }
        server.serve("cifar-10-binary.tar.gz", [1, 2, 3], .stall)
        let error = #expect(throws: DownloadError.self) { try installer(stall: 1).ensure(cifarSource([1, 2, 3])) }
        guard case .unreachable(let file, let attempts, _)? = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(file == "cifar-10-binary.tar.gz")
        #expect(attempts.map(\.url) == [server.baseURL + "cifar-10-binary.tar.gz"])
        #expect(attempts.first?.reason.hasPrefix("timed out") == true)
        #expect(cacheContents() == ["downloads"])
    }

    @Test func anArchiveWithParentPathsIsRefused() throws {
        defer { cleanUp() }
        let archive = TestArchives.tarGz(Self.cifarEntries + [("cifar-10-batches-bin/../../escaped.txt", .file([1]))])
        server.serve("cifar-10-binary.tar.gz", archive)
        let error = #expect(throws: DownloadError.self) { try installer().ensure(cifarSource(archive)) }
        guard case .unsafeArchive(_, let entry, _)? = error else {
            Issue.record("expected a refusal, got \(String(describing: error))")
            return
        }
        #expect(entry == "cifar-10-batches-bin/../../escaped.txt")
        #expect(!FileManager.default.fileExists(atPath: root + "/../escaped.txt"))
        #expect(!FileManager.default.fileExists(atPath: root + "/escaped.txt"))
        #expect(cacheContents() == ["downloads"])
    }

    @Test func linksAndAbsolutePathsAreRefused() throws {
        defer { cleanUp() }
        #expect(throws: DownloadError.self) { try ArchiveExtraction.safeRelativePath("/etc/passwd", file: "x") }
        #expect(try ArchiveExtraction.safeRelativePath("./a//b/./c", file: "x") == "a/b/c")
        let archive = TestArchives.tarGz(Self.cifarEntries + [("cifar-10-batches-bin/link", .symlink("/etc/passwd"))])
        server.serve("cifar-10-binary.tar.gz", archive)
        #expect(throws: DownloadError.self) { try installer().ensure(cifarSource(archive)) }
        #expect(cacheContents() == ["downloads"])
    }

    @Test func mnistFromFourGzipFiles() throws {
        defer { cleanUp() }
        func idx(_ magic: UInt32, _ dims: [UInt32], _ body: [UInt8]) -> [UInt8] {
            ([magic] + dims).flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } } + body
        }
        let contents: [String: [UInt8]] = [
            "train-images-idx3-ubyte": idx(0x803, [2, 28, 28], [UInt8](repeating: 200, count: 2 * 784)),
            "train-labels-idx1-ubyte": idx(0x801, [2], [3, 7]),
            "t10k-images-idx3-ubyte": idx(0x803, [1, 28, 28], [UInt8](repeating: 10, count: 784)),
            "t10k-labels-idx1-ubyte": idx(0x801, [1], [9]),
        ]
        var source = DatasetSource.mnist
        source.files = contents.keys.sorted().map { name in
            let gz = TestArchives.gzip(contents[name]!)
            server.serve(name + ".gz", gz)
            return .init(name: name + ".gz", md5: MD5.hex(gz))
        }
        let folder = try installer().ensure(source)
        let (train, test) = try MNIST.load(folder: folder)
        #expect(train.count == 2 && test.count == 1)
        #expect(cacheContents().filter { !$0.hasPrefix("mnist") } == ["downloads"])
    }

    @Test func anUnreachableSiteNamesTheURLAndWhereToPutTheFile() throws {
        defer { cleanUp() }
        server.serve("cifar-10-binary.tar.gz", [], .notFound)
        let error = #expect(throws: DownloadError.self) { try installer().ensure(.cifar10) }
        let text = error?.description ?? ""
        #expect(text.contains(server.baseURL + "cifar-10-binary.tar.gz: "))
        #expect(text.contains("404"))
        #expect(text.contains("put it at \(root)/downloads/cifar-10-binary.tar.gz"))
        #expect(text.contains("--dataset cifar10:DIR"))
        #expect(cacheContents() == ["downloads"])
    }
}

@Suite struct DownloadPartsTests {
    @Test func md5KnownValues() {
        #expect(MD5.hex([UInt8]()) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex(Array("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(MD5.hex(Array("The quick brown fox jumps over the lazy dog".utf8)) == "9e107d9d372bb6826bd81d3542a419d6")
        var md5 = MD5()
        for _ in 0..<1000 { md5.update([UInt8](repeating: 0x61, count: 1000)) }
        #expect(md5.finish() == "7707d6ae4e027c70eea2a935c2296f21")
    }

    @Test func progressLine() {
        let p = DownloadProgress(file: "cifar-10-binary.tar.gz", have: 51_200_000, total: 170_052_171, rate: 4_300_000)
        #expect(p.line() == "cifar-10-binary.tar.gz  [██████░░░░░░░░░░░░░░]  51.2 MB / 170.1 MB  4.3 MB/s  0:28 left")
        #expect(DownloadProgress(file: "f", have: 512, total: nil, rate: nil).line() == "f  512 B")
        #expect(DownloadProgress.duration(3725) == "1:02:05")
    }

    @Test func mirrorReplacesEveryBase() {
        #expect(DatasetSource.mnist.bases(mirror: "http://m.example/data") == ["http://m.example/data/"])
        #expect(DatasetSource.mnist.bases(mirror: nil).count == 2)
        #expect(DatasetSource.cifar10.bases(mirror: "") == ["https://www.cs.toronto.edu/~kriz/"])
    }

    @Test func cacheFollowsXDG() {
        setenv("XDG_CACHE_HOME", "/tmp/xdg-test-cache", 1)
        #expect(DatasetCache.standard().root == "/tmp/xdg-test-cache/blitz-tui/datasets")
        unsetenv("XDG_CACHE_HOME")
        #expect(DatasetCache.standard().root.hasSuffix("/.cache/blitz-tui/datasets"))
    }
}
