/// Conversion of raw MRC data bytes of any supported mode into `Float` values.
enum MRCValueDecoding {
    /// Decodes `raw.count / mode.bytesPerValue` values from `raw` into `output` (same count).
    static func decode(_ raw: UnsafeRawBufferPointer, mode: MRCMode, bigEndian: Bool,
                       into output: UnsafeMutableBufferPointer<Float>) {
        let count = output.count
        precondition(raw.count >= count * mode.bytesPerValue, "MRC section buffer too short")
        switch mode {
        case .int8:
            for i in 0..<count { output[i] = Float(Int8(bitPattern: raw[i])) }
        case .int16:
            for i in 0..<count { output[i] = Float(Int16(bitPattern: load16(raw, i, bigEndian))) }
        case .uint16:
            for i in 0..<count { output[i] = Float(load16(raw, i, bigEndian)) }
        case .float16:
            for i in 0..<count { output[i] = halfToFloat(load16(raw, i, bigEndian)) }
        case .float32:
            for i in 0..<count {
                let word = raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                output[i] = Float(bitPattern: bigEndian ? UInt32(bigEndian: word) : UInt32(littleEndian: word))
            }
        }
    }

    @inline(__always)
    private static func load16(_ raw: UnsafeRawBufferPointer, _ i: Int, _ bigEndian: Bool) -> UInt16 {
        let word = raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: word) : UInt16(littleEndian: word)
    }

    /// IEEE 754 binary16 → binary32, exact for every input (normals, subnormals, ±0, ±∞, NaN).
    /// Written out by hand so it does not depend on `Float16` being available on the platform.
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F {   // infinity or NaN
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {      // zero or subnormal: mantissa · 2⁻²⁴
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
