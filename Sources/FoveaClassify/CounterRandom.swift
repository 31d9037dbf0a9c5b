import FoveaCore

/// A counter-based random number generator: every value is a pure function of a key
/// (seed, purpose, a, b, c), so a value never depends on how many ranks there are, which rank owns
/// a particle, or the order in which rows are processed. Built from the SplitMix64 finaliser
/// (Steele, Lea & Flood 2014), chained over the key words.
public enum CounterRandom {
    /// Separates the uses of the seed so that different choices are independent.
    public enum Purpose: UInt64, Sendable {
        case initialOccupancy = 1
        case activeSubset = 2
        case halfSet = 3
        case startSeed = 4
    }

    /// SplitMix64's mixing function (`SplitMix64.mix`).
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 { SplitMix64.mix(value) }

    /// 64 random bits for the key (seed, purpose, a, b, c).
    @inlinable
    public static func bits(seed: UInt64, purpose: Purpose, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) -> UInt64 {
        var h = mix(seed ^ (purpose.rawValue &* 0xD6E8_FEB8_6659_FD93))
        h = mix(h ^ a)
        h = mix(h ^ b)
        return mix(h ^ c)
    }

    /// A uniform Double in [0, 1) with 53 random bits, for the key (seed, purpose, a, b, c).
    @inlinable
    public static func unit(seed: UInt64, purpose: Purpose, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) -> Double {
        Double(bits(seed: seed, purpose: purpose, a, b, c) >> 11) * 0x1p-53
    }
}
