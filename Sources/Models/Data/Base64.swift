/// Base64 decoding for the embedded data (standard alphabet, `=` padding; line breaks and other
/// whitespace are skipped). Small and self-contained so the Models target needs no Foundation.
enum Base64 {
    /// The decoded bytes, or nil when `text` holds a character outside the alphabet.
    static func decode(_ text: String) -> [UInt8]? {
        var values = [UInt8](repeating: 255, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            values[Int(character)] = UInt8(index)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            switch character {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                continue
            case UInt8(ascii: "="):
                // Padding ends the data; the leftover bits are zero fill.
                return bytes
            default:
                let value = values[Int(character)]
                if value == 255 { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                    accumulator &= (1 << UInt32(bits)) - 1
                }
            }
        }
        return bytes
    }
}
