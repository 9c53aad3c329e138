/// The IDX format of the MNIST files: a big-endian header (a magic number whose low byte is the
/// number of dimensions and whose third byte is the element type, 0x08 for unsigned bytes), one
/// big-endian 32-bit size per dimension, then the elements. Only unsigned-byte files are needed.
enum IDXFile {
    /// 0x00000803: unsigned bytes, three dimensions (images, rows, columns).
    static let imagesMagic: UInt32 = 2051
    /// 0x00000801: unsigned bytes, one dimension (labels).
    static let labelsMagic: UInt32 = 2049

    /// Checks the header and the length of `bytes`; returns the dimensions and where the data starts.
    /// `expected` gives the required size of each dimension after the first (nil: any).
    static func parse(_ bytes: [UInt8], path: String, magic: UInt32, expected: [Int]) throws(DatasetError) -> (dimensions: [Int], dataOffset: Int) {
        if bytes.isEmpty { throw .emptyFile(path) }
        let rank = Int(magic & 0xFF)
        let headerSize = 4 + 4 * rank
        if bytes.count < headerSize { throw .truncated(path: path, expected: headerSize, got: bytes.count) }
        let found = bigEndian(bytes, at: 0)
        if found != magic { throw .badMagic(path: path, expected: magic, found: found) }
        let dimensions = (0..<rank).map { Int(bigEndian(bytes, at: 4 + 4 * $0)) }
        if Array(dimensions.dropFirst()) != expected {
            throw .badDimensions(path: path, found: Array(dimensions.dropFirst()), expected: expected)
        }
        // The first dimension is below 2³², the others are fixed and small: no overflow.
        var size = headerSize
        var elements = 1
        for dimension in dimensions {
            elements *= dimension
        }
        size += elements
        if bytes.count < size { throw .truncated(path: path, expected: size, got: bytes.count) }
        if bytes.count > size { throw .oversized(path: path, expected: size, got: bytes.count) }
        if dimensions[0] == 0 { throw .noSamples(path) }
        return (dimensions, headerSize)
    }

    private static func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}
