/// SplitMix64 (Steele, Lea & Flood, 2014), the seeding half of the project's random numbers
/// (`SeededRandom`): it expands seeds into xoshiro256** state, draws the simulator's particle
/// states (`HumanoidStateSampler`), and its finaliser `mix` keys `CounterRandom`. Values are derived
/// from raw words with explicit bit operations (never from the standard library's
/// `random(using:)`, whose mapping of words to values is not guaranteed stable), so a seed gives
/// the same sequence on every platform and Swift version.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 uniformly distributed bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.finalise(state)
    }

    /// SplitMix64's mixing of one word (a bijection on 64-bit words with good avalanche): the
    /// value `next()` returns from state `value` + 0x9E3779B97F4A7C15.
    @inlinable public static func mix(_ value: UInt64) -> UInt64 {
        finalise(value &+ 0x9E37_79B9_7F4A_7C15)
    }

    @inlinable @usableFromInline static func finalise(_ word: UInt64) -> UInt64 {
        var z = word
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0 ..< 2^bits (1 ≤ bits ≤ 63), from the top bits of one word.
    public mutating func nextBits(_ bits: Int) -> Int {
        precondition(bits >= 1 && bits <= 63, "bits must lie in 1...63")
        return Int(next() >> UInt64(64 - bits))
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
