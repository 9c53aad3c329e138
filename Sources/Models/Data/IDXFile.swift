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
        try parseHeader(bytes, fileSize: bytes.count, path: path, magic: magic, expected: expected)
    }

    /// The header's size for `magic`: the magic number and one size per dimension.
    static func headerSize(magic: UInt32) -> Int {
        4 + 4 * Int(magic & 0xFF)
    }

    /// Checks a header (the file's first bytes, at least `headerSize` of them when the file has
    /// that many) against the size of the whole file, before the rest of it is read.
    static func parseHeader(_ bytes: [UInt8], fileSize: Int, path: String, magic: UInt32, expected: [Int]) throws(DatasetError) -> (dimensions: [Int], dataOffset: Int) {
        if fileSize == 0 { throw .emptyFile(path) }
        let headerSize = headerSize(magic: magic)
        if fileSize < headerSize || bytes.count < headerSize { throw .truncated(path: path, expected: headerSize, got: fileSize) }
        let found = bigEndian(bytes, at: 0)
        if found != magic { throw .badMagic(path: path, expected: magic, found: found) }
        let dimensions = (0..<(headerSize - 4) / 4).map { Int(bigEndian(bytes, at: 4 + 4 * $0)) }
        if Array(dimensions.dropFirst()) != expected {
            throw .badDimensions(path: path, found: Array(dimensions.dropFirst()), expected: expected)
        }
        // Each dimension is below 2³² and there are at most three: the product fits in 64 bits
        // only when checked, so it is.
        var size = headerSize
        var elements = 1
        for dimension in dimensions {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .truncated(path: path, expected: Int.max, got: fileSize) }
            elements = product
        }
        let (total, overflow) = size.addingReportingOverflow(elements)
        guard !overflow else { throw .truncated(path: path, expected: Int.max, got: fileSize) }
        size = total
        if fileSize < size { throw .truncated(path: path, expected: size, got: fileSize) }
        if fileSize > size { throw .oversized(path: path, expected: size, got: fileSize) }
        if dimensions[0] == 0 { throw .noSamples(path) }
        return (dimensions, headerSize)
    }

    private static func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}
