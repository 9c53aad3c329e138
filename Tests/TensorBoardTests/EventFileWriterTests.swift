import Foundation
import Testing
@testable import TensorBoard

/// Reads TFRecords back, checking both CRCs, as TensorBoard's reader does.
func readRecords(_ path: String) throws -> [[UInt8]] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var records: [[UInt8]] = []
    var offset = 0
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
    while offset < bytes.count {
        let length = Int((0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) })
        #expect(u32(offset + 8) == CRC32C.masked(bytes[offset..<(offset + 8)]))
        let data = Array(bytes[(offset + 12)..<(offset + 12 + length)])
        #expect(u32(offset + 12 + length) == CRC32C.masked(data))
        records.append(data)
        offset += 12 + length + 4
    }
    #expect(offset == bytes.count)
    return records
}

@Suite struct EventFileWriterTests {
    func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tb-\(UUID().uuidString)").path
    }

    @Test func namesTheFileAsTensorBoardDoesAndStartsWithTheVersion() throws {
        let folder = temporaryFolder() + "/nested/run"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = try SummaryWriter(logdir: folder)
        let file = try #require(writer.file.files.first)
        let name = (file as NSString).lastPathComponent
        let parts = name.split(separator: ".")
        #expect(name.hasPrefix("events.out.tfevents."))
        #expect(parts[3].count == 10 && Int(parts[3]) != nil)
        #expect(name.hasSuffix(".\(getpid()).\(parts.last!)"))
        // The version record is on disk before anything else is written.
        let records = try readRecords(file)
        #expect(records.count == 1)
        writer.addScalar("loss", 1.5, step: 1)
        writer.close()
        let after = try readRecords(file)
        #expect(after.count == 2)
        #expect(after[1].suffix(4) == [0x00, 0x00, 0xC0, 0x3F])
    }

    @Test func rotatesIntoFilesThatSortLater() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = try SummaryWriter(logdir: folder, maxFileBytes: 200)
        for step in 1...40 {
            writer.addScalar("loss", Double(step), step: step)
            writer.flush()
        }
        writer.close()
        let files = writer.file.files
        #expect(files.count > 2)
        #expect(files == files.sorted())
        var steps = 0
        for file in files {
            let records = try readRecords(file)
            // Every file opens with its own version record (wall time, then "brain.Event:2").
            #expect(records.first.map { Array($0.suffix(15)) } == [0x1A, 0x0D] + Array("brain.Event:2".utf8))
            steps += records.count - 1
        }
        #expect(steps == 40)
    }

    @Test func anUncreatableFolderIsAClearError() throws {
        let file = temporaryFolder()
        FileManager.default.createFile(atPath: file, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(throws: TensorBoardError.self) { try SummaryWriter(logdir: file + "/run") }
    }
}
