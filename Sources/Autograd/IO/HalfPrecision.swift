/// 16-bit floats as stored in checkpoints, widened to Float bit by bit (no platform Float16 needed).
enum HalfPrecision {
    /// IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
    static func float(fromHalf bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa · 2^−24.
            return sign * Float(mantissa) * 0x1p-24
        case 31:
            let signBit = UInt32(bits & 0x8000) << 16
            return Float(bitPattern: signBit | 0x7F80_0000 | mantissa << 13)
        default:
            let signBit = UInt32(bits & 0x8000) << 16
            return Float(bitPattern: signBit | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
        }
    }

    /// bfloat16 is the top half of a float32.
    static func float(fromBFloat16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
