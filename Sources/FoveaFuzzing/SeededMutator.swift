import FoveaCore

/// Seeded mutations of a valid input file, for the readers' fuzz tests: the same seed gives the
/// same damaged bytes on every machine, so a failing case is reproducible from its number.
///
/// The mutations are those that real damage and careless editing produce, plus the values that
/// break size arithmetic: bit flips, random bytes, inserted and deleted runs, truncation,
/// duplicated lines, numbers replaced by extremes (0, −1, 2³¹−1, NaN, 10³⁰⁸ …), 4-byte words of a
/// binary header overwritten with extremes, and inserted syntax (NUL, byte-order mark, quotes,
/// `data_`, `loop_`).
public struct SeededMutator {
    private var random: SeededRandom

    public init(seed: UInt64) { random = SeededRandom(seed: seed) }

    /// Texts that replace a number in a text file.
    static let extremeNumbers = [
        "0", "-1", "1", "2147483647", "-2147483648", "2147483648", "1073741824", "9223372036854775807",
        "-9223372036854775808", "99999999999999999999", "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e400",
        "1e-320", "0.0000001", "-0", "1.5", "+", "-", ".", "1e", "0x10", "",
    ]
    /// 32-bit patterns written over header words of a binary file.
    static let extremeWords: [UInt32] = [
        0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x4000_0000, 0x0001_0000, 0x7FC0_0000, 0x7F80_0000,
        0xFF80_0000, 1024, 65_536, 3, 12, 0x3F80_0000,
    ]
    /// Byte runs inserted into a file.
    static let syntax: [[UInt8]] = [
        [0], [0xEF, 0xBB, 0xBF], [0x0D], [0x0A], Array("#".utf8), Array("'".utf8), Array("\"".utf8),
        Array("data_particles\n".utf8), Array("data_optics\n".utf8), Array("loop_\n".utf8),
        Array("_rlnVoltage #3\n".utf8), Array("_rlnOpticsGroup\n".utf8), Array(" ".utf8), [0xFF, 0xFE], [0xC3],
        Array("\u{FEFF}".utf8),
    ]

    /// `input` damaged by 1 to 4 mutations.
    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + pick(4)) { bytes = mutateOnce(bytes) }
        return bytes
    }

    private mutating func pick(_ n: Int) -> Int { Int(random.next() % UInt64(max(1, n))) }

    private mutating func mutateOnce(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        let position = pick(bytes.count + 1)
        switch pick(10) {
        case 0 where !bytes.isEmpty:
            bytes[min(position, bytes.count - 1)] ^= UInt8(1 << pick(8))
        case 1 where !bytes.isEmpty:
            bytes[min(position, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next())
        case 2:
            bytes.insert(contentsOf: (0..<(1 + pick(8))).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: position)
        case 3:
            let end = min(bytes.count, position + 1 + pick(64))
            bytes.removeSubrange(position..<end)
        case 4:
            bytes.removeSubrange(position...)
        case 5:
            bytes = duplicatingLine(bytes, around: position)
        case 6:
            bytes = replacingNumber(bytes, near: position)
        case 7 where bytes.count >= 4:
            let word = pick(min(bytes.count / 4, 256))
            let value = Self.extremeWords[pick(Self.extremeWords.count)]
            let bigEndian = pick(2) == 0
            for k in 0..<4 {
                let shift = bigEndian ? 8 * (3 - k) : 8 * k
                bytes[4 * word + k] = UInt8(truncatingIfNeeded: value >> UInt32(shift))
            }
        case 8:
            bytes.insert(contentsOf: Self.syntax[pick(Self.syntax.count)], at: position)
        default:
            // Copy a run of the file elsewhere (repeated blocks, columns, records).
            guard !bytes.isEmpty else { break }
            let start = pick(bytes.count), length = min(bytes.count - start, 1 + pick(256))
            bytes.insert(contentsOf: bytes[start..<(start + length)], at: pick(bytes.count + 1))
        }
        return bytes
    }

    /// Repeats the line holding `position`.
    private func duplicatingLine(_ bytes: [UInt8], around position: Int) -> [UInt8] {
        guard !bytes.isEmpty else { return bytes }
        let p = min(position, bytes.count - 1)
        let start = bytes[..<p].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let end = bytes[p...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
        var out = bytes
        out.insert(contentsOf: bytes[start..<end], at: end)
        return out
    }

    /// Replaces the first number at or after `position` with an extreme text.
    private mutating func replacingNumber(_ bytes: [UInt8], near position: Int) -> [UInt8] {
        func isNumberByte(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "e")
        }
        guard let start = bytes[min(position, bytes.count)...].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) else {
            return bytes
        }
        var first = start
        while first > 0 && isNumberByte(bytes[first - 1]) { first -= 1 }
        var end = start
        while end < bytes.count && isNumberByte(bytes[end]) { end += 1 }
        var out = bytes
        out.replaceSubrange(first..<end, with: Array(Self.extremeNumbers[pick(Self.extremeNumbers.count)].utf8))
        return out
    }
}
