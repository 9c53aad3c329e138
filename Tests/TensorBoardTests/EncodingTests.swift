import Foundation
import Testing
@testable import TensorBoard

/// The bytes of each message against what TensorBoard's own protos (tensorboard.compat.proto)
/// serialise for the same values, from scripts/tensorboard_fixtures.py.
@Suite struct EncodingTests {
    @Test func crc32cKnownValues() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        let crc = CRC32C.checksum(Array("123456789".utf8))
        #expect(CRC32C.masked(Array("123456789".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    @Test func scalarEventMatchesTensorBoard() {
        let event = Event(wallTime: 1_700_000_000.25, step: 42,
                          what: .summary([SummaryValue(tag: "loss", value: .scalar(2.3125))]))
        #expect(event.encoded() == [
            0x09, 0x00, 0x00, 0x10, 0x40, 0xFC, 0x54, 0xD9, 0x41, 0x10, 0x2A, 0x2A, 0x0D, 0x0A, 0x0B, 0x0A,
            0x04, 0x6C, 0x6F, 0x73, 0x73, 0x15, 0x00, 0x00, 0x14, 0x40,
        ])
    }

    @Test func fileVersionEventMatchesTensorBoard() {
        let event = Event(wallTime: 1_700_000_000.5, step: 0, what: .fileVersion(Event.fileVersion))
        #expect(event.encoded() == [
            0x09, 0x00, 0x00, 0x20, 0x40, 0xFC, 0x54, 0xD9, 0x41, 0x1A, 0x0D, 0x62, 0x72, 0x61, 0x69, 0x6E,
            0x2E, 0x45, 0x76, 0x65, 0x6E, 0x74, 0x3A, 0x32,
        ])
    }

    @Test func histogramEventMatchesTensorBoard() {
        let histogram = HistogramProto(min: -1.5, max: 2, num: 3, sum: 0.75, sumSquares: 6.5,
                                       bucketLimit: [-1, 0.5, 2], bucket: [1, 0, 2])
        let event = Event(wallTime: 1, step: 7,
                          what: .summary([SummaryValue(tag: "weights/fc1.weight", value: .histogram(histogram))]))
        let expected: [UInt8] = [
            0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, 0x10, 0x07, 0x2A, 0x79, 0x0A, 0x77, 0x0A,
            0x12, 0x77, 0x65, 0x69, 0x67, 0x68, 0x74, 0x73, 0x2F, 0x66, 0x63, 0x31, 0x2E, 0x77, 0x65, 0x69,
            0x67, 0x68, 0x74, 0x2A, 0x61, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0xBF, 0x11, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x19, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x40,
            0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xE8, 0x3F, 0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x1A, 0x40, 0x32, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0xBF, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0xE0, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x3A, 0x18, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
        ]
        #expect(event.encoded() == expected)
    }

    @Test func negativeStepTakesTenBytes() {
        var e = ProtobufEncoder()
        e.int64(2, -1)
        #expect(e.bytes == [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func recordFraming() {
        let data: [UInt8] = Array("hello".utf8)
        let record = TFRecord.framed(data)
        #expect(record.count == 8 + 4 + 5 + 4)
        #expect(Array(record[0..<8]) == [5, 0, 0, 0, 0, 0, 0, 0])
        let lengthCRC = record[8..<12].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
        #expect(lengthCRC == CRC32C.masked(record[0..<8]))
        #expect(Array(record[12..<17]) == data)
        let dataCRC = record[17..<21].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
        #expect(dataCRC == CRC32C.masked(data))
    }

    /// PyTorch's make_histogram with bins="tensorflow" on the same values (scripts/tensorboard_fixtures.py).
    @Test func histogramBucketsMatchPyTorch() throws {
        let values = [-0.75, -0.001, 0.0, 0.0, 2e-13, 0.3, 0.31, 1.5, 7.0]
        let h = try #require(Histogram.make(values))
        #expect(h.bucket.count == 601)
        #expect(h.bucketLimit.count == 601)
        #expect(h.bucketLimit.first == -0.7580548669750213)
        #expect(h.bucketLimit.last == 7.466637793298873)
        let nonEmpty = zip(h.bucketLimit, h.bucket).filter { $0.1 > 0 }.map { [$0.0, $0.1] }
        #expect(nonEmpty == [
            [-0.6891407881591103, 1], [-0.0009598705768327891, 1], [1e-12, 3],
            [0.3214892636797772, 2], [1.624957930213695, 1], [7.466637793298873, 1],
        ])
        #expect(h.min == -0.75)
        #expect(h.max == 7)
        #expect(h.num == 9)
        #expect(abs(h.sum - values.reduce(0, +)) < 1e-12)
        #expect(abs(h.sumSquares - values.map { $0 * $0 }.reduce(0, +)) < 1e-12)
        #expect(Histogram.make([]) == nil)
    }
}
