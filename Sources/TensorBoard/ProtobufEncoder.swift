/// The protocol-buffers wire format, as much of it as TensorBoard's event files need: varints,
/// 64-bit doubles, 32-bit floats, length-delimited strings and nested messages, and packed
/// repeated doubles. Fields are written in field-number order, as protoc's encoders do, and a
/// field at its default value is left out (proto3).
///
/// Why hand-written and not apple/swift-protobuf: see proto/README.md (a few dozen lines against
/// a runtime library of ~100 files that every clean build and CI run would compile).
public struct ProtobufEncoder {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    private enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | type.rawValue)
    }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func littleEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) }
    }

    /// `int64 field = N` (negative values take ten bytes, as protobuf's two's complement varint does).
    public mutating func int64(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// `double field = N`.
    public mutating func double(_ field: Int, _ value: Double) {
        guard value != 0 || value.sign == .minus || value.isNaN else { return }
        key(field, .fixed64)
        littleEndian(value.bitPattern)
    }

    /// `float field = N`, written even when it is 0: a scalar of 0 is a value (a oneof member
    /// counts as set whenever it is written).
    public mutating func float(_ field: Int, _ value: Float, always: Bool = true) {
        guard always || value != 0 else { return }
        key(field, .fixed32)
        littleEndian(value.bitPattern)
    }

    /// `string field = N`.
    public mutating func string(_ field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        lengthDelimited(field, Array(value.utf8))
    }

    /// A nested message (or `bytes`), written even when empty: a set oneof message is a value.
    public mutating func message(_ field: Int, _ encoded: [UInt8]) {
        lengthDelimited(field, encoded)
    }

    /// `repeated double field = N [packed = true]`.
    public mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        guard !values.isEmpty else { return }
        key(field, .lengthDelimited)
        varint(UInt64(values.count * 8))
        for v in values { littleEndian(v.bitPattern) }
    }

    private mutating func lengthDelimited(_ field: Int, _ payload: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }
}
