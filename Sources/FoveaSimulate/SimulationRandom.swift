/// A small, deterministic, seedable random number generator (SplitMix64, Steele, Lea & Flood 2014).
///
/// Used by the humanoid simulator so that a seed reproduces the same particle states on every
/// platform and Swift version: callers draw raw 64-bit words with `next()` and derive values from
/// explicit bit operations (never from the standard library's `random(using:)`, whose mapping of
/// words to values is not guaranteed stable). It draws only the particles' states
/// (`HumanoidStateSampler`); views, shifts, defocus and noise come from FoveaCore's `SeededRandom`.
public struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 uniformly distributed bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
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
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
