/// The safetensors layout, and the checks that make reading an untrusted file safe.
///
/// A file is: 8 bytes, a little-endian u64 N; N bytes of JSON (the header); then the data area.
/// The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} with
/// offsets relative to the data area, plus an optional "__metadata__" of string pairs. The
/// header is checked completely before any data is touched: every field's type, that the dtype
/// is known, that shape × element size does not overflow and equals end − begin, and that the
/// tensors, sorted by offset, tile the data area exactly (no overlap, no gap, nothing left over).
#if _endian(big)
#error("safetensors data is little-endian; this reader copies it as it is, so it needs a little-endian host")
#endif

/// The element types the safetensors format names.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64

    public var byteSize: Int {
        switch self {
        case .BOOL, .U8, .I8, .F8_E5M2, .F8_E4M3: return 1
        case .I16, .U16, .F16, .BF16: return 2
        case .I32, .U32, .F32: return 4
        case .F64, .I64, .U64: return 8
        }
    }

    /// The tensor dtype a stored type is read as, or nil if blitz-tui cannot read it.
    public var loadedAs: DType? {
        switch self {
        case .F32, .F16, .BF16: return .float32
        case .F64: return .float64
        case .I64: return .int64
        default: return nil
        }
    }

    /// How a tensor dtype is written.
    public init(_ dtype: DType) {
        switch dtype {
        case .float32: self = .F32
        case .float64: self = .F64
        case .int64: self = .I64
        }
    }
}

/// One validated header entry.
struct SafetensorsEntry {
    let name: String
    let dtype: SafetensorsDType
    let shape: [Int]
    let count: Int
    let begin: Int
    let end: Int
}

enum SafetensorsHeader {
    static let metadataKey = "__metadata__"

    /// Parses and validates a header against a data area of `dataSize` bytes.
    static func parse(_ bytes: UnsafeRawBufferPointer, dataSize: Int, file: String)
        throws(SafetensorsError) -> (entries: [SafetensorsEntry], metadata: [(String, String)]) {
        func fail(_ problem: SafetensorsError.Problem) -> SafetensorsError { SafetensorsError(file: file, problem) }

        guard bytes.first == UInt8(ascii: "{") else {
            throw fail(.headerNotAnObject(found: bytes.isEmpty ? "an empty header" : "text not starting with '{'"))
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw fail(.headerNotJSON(error))
        }
        guard case .object(let members) = json else { throw fail(.headerNotAnObject(found: json.kind)) }

        var entries: [SafetensorsEntry] = []
        var metadata: [(String, String)] = []
        for member in members {
            if member.key.utf8.elementsEqual(metadataKey.utf8) {
                metadata = try parseMetadata(member.value, file: file)
            } else {
                entries.append(try parseEntry(member.key, member.value, dataSize: dataSize, file: file))
            }
        }

        // The tensors, in offset order, must tile the data area exactly.
        let ordered = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expected = 0
        for entry in ordered {
            guard entry.begin == expected else {
                throw fail(.notContiguous(name: entry.name, expectedStart: expected, start: entry.begin))
            }
            expected = entry.end
        }
        guard expected == dataSize else { throw fail(.dataNotCovered(covered: expected, dataSize: dataSize)) }
        return (entries, metadata)
    }

    private static func parseMetadata(_ value: JSONValue, file: String) throws(SafetensorsError) -> [(String, String)] {
        guard case .object(let members) = value else {
            throw SafetensorsError(file: file, .badMetadata(reason: "expected an object of strings, found \(value.kind)"))
        }
        var pairs: [(String, String)] = []
        for member in members {
            guard case .string(let text) = member.value else {
                throw SafetensorsError(file: file, .badMetadata(reason: "the value of \(PrintableText.quoted(member.key)) must be a string, found \(member.value.kind)"))
            }
            pairs.append((member.key, text))
        }
        return pairs
    }

    private static func parseEntry(_ name: String, _ value: JSONValue, dataSize: Int, file: String) throws(SafetensorsError) -> SafetensorsEntry {
        func fail(_ problem: SafetensorsError.Problem) -> SafetensorsError { SafetensorsError(file: file, problem) }
        guard case .object(let fields) = value else { throw fail(.entryNotAnObject(name: name, found: value.kind)) }
        var dtypeValue: JSONValue?, shapeValue: JSONValue?, offsetsValue: JSONValue?
        for field in fields {
            switch field.key {
            case "dtype": dtypeValue = field.value
            case "shape": shapeValue = field.value
            case "data_offsets": offsetsValue = field.value
            default: throw fail(.unexpectedField(name: name, field: field.key))
            }
        }
        guard let dtypeValue else { throw fail(.missingField(name: name, field: "dtype")) }
        guard let shapeValue else { throw fail(.missingField(name: name, field: "shape")) }
        guard let offsetsValue else { throw fail(.missingField(name: name, field: "data_offsets")) }

        guard case .string(let dtypeText) = dtypeValue else {
            throw fail(.wrongType(name: name, field: "dtype", expected: "a string", found: dtypeValue.kind))
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeText) else { throw fail(.unknownDType(name: name, dtype: dtypeText)) }
        guard dtype.loadedAs != nil else { throw fail(.unsupportedDType(name: name, dtype: dtypeText)) }

        guard case .array(let dims) = shapeValue else {
            throw fail(.wrongType(name: name, field: "shape", expected: "an array of integers", found: shapeValue.kind))
        }
        var shape: [Int] = []
        var count = 1
        for dim in dims {
            guard let size = dim.nonNegativeInt else {
                throw fail(.badShape(name: name, reason: "\(dim.excerpt) is not a non-negative integer that fits in 64 bits"))
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail(.badShape(name: name, reason: "\(Shape.describe(shape + [size]))... has too many elements")) }
            shape.append(size)
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw fail(.badShape(name: name, reason: "\(Shape.describe(shape)) of \(dtypeText) needs more bytes than can be counted")) }

        guard case .array(let offsets) = offsetsValue else {
            throw fail(.wrongType(name: name, field: "data_offsets", expected: "an array of two integers", found: offsetsValue.kind))
        }
        guard offsets.count == 2, let begin = offsets[0].nonNegativeInt, let end = offsets[1].nonNegativeInt else {
            throw fail(.badOffsets(name: name, reason: "expected two non-negative integers, found \(offsetsValue.excerpt)"))
        }
        guard begin <= end else { throw fail(.badOffsets(name: name, reason: "begin \(begin) is after end \(end)")) }
        guard end <= dataSize else {
            throw fail(.badOffsets(name: name, reason: "end \(end) is past the \(dataSize)-byte data area"))
        }
        guard end - begin == byteCount else { throw fail(.byteCountMismatch(name: name, expected: byteCount, actual: end - begin)) }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, count: count, begin: begin, end: end)
    }

    /// The header for `entries` (with metadata first), padded with spaces to a multiple of 8
    /// bytes so the data area starts aligned, as the reference writer does.
    static func encode(_ entries: [SafetensorsEntry], metadata: [(String, String)]) -> [UInt8] {
        var members: [JSONMember] = []
        if !metadata.isEmpty {
            members.append(JSONMember(metadataKey, .object(metadata.map { JSONMember($0.0, .string($0.1)) })))
        }
        for e in entries {
            members.append(JSONMember(e.name, .object([
                JSONMember("dtype", .string(e.dtype.rawValue)),
                JSONMember("shape", .array(e.shape.map { .number(String($0)) })),
                JSONMember("data_offsets", .array([.number(String(e.begin)), .number(String(e.end))])),
            ])))
        }
        var bytes = Array(JSONValue.object(members).text.utf8)
        while bytes.count % 8 != 0 { bytes.append(UInt8(ascii: " ")) }
        return bytes
    }
}
