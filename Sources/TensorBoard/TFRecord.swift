/// TFRecord framing, the container of TensorBoard's event files. Each record is
///
///     uint64 length (little-endian) · uint32 masked CRC-32C of those 8 bytes
///     · the data · uint32 masked CRC-32C of the data
///
/// A reader checks both CRCs, so a file cut anywhere is read up to its last whole record.
public enum TFRecord {
    public static func framed(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        var length = UInt64(data.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        var lengthCRC = CRC32C.masked(out[0..<8]).littleEndian
        withUnsafeBytes(of: &lengthCRC) { out.append(contentsOf: $0) }
        out.append(contentsOf: data)
        var dataCRC = CRC32C.masked(data).littleEndian
        withUnsafeBytes(of: &dataCRC) { out.append(contentsOf: $0) }
        return out
    }
}
