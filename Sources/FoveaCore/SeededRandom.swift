import RealModule

/// The project's one random number generator: xoshiro256** (Blackman & Vigna, 2018) seeded through
/// `SplitMix64`. Every random draw in Fovea (simulation, random rotations, random subsets) goes
/// through this type or its seeder `SplitMix64` (the simulator's particle states; the finaliser
/// behind `CounterRandom`'s rank-independent draws), so a run is reproducible from its seed on any
/// machine.
///
/// * `init(seed:)` expands one 64-bit seed into the 256-bit state with SplitMix64, so nearby seeds
///   (0, 1, 2 …) give unrelated streams.
/// * `init(seed:stream:)` gives independent streams for ranks, threads or particles:
///   the seed and the stream number are mixed through SplitMix64 before the state is filled.
/// * `next()` returns 64 uniformly distributed bits (so the type works with Swift's
///   `Int.random(in:using:)`, `shuffle(using:)` …).
/// * `uniform()` is a Double in [0, 1) with 53 random bits; `gaussian()` is a standard normal
///   deviate (Marsaglia's polar method; the second deviate of each pair is kept for the next call).
///
/// The sequence for a given seed is part of the project's contract: tests and saved runs rely on it.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64
    private var spareGaussian: Double?

    /// A generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }  // the all-zero state is forbidden
        spareGaussian = nil
    }

    /// A generator started from an explicit xoshiro256** state (not all zero); for tests against
    /// the reference implementation's published outputs.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state.0 | state.1 | state.2 | state.3 != 0, "xoshiro256** state must not be all zero")
        (s0, s1, s2, s3) = state
        spareGaussian = nil
    }

    /// Stream `stream` of seed `seed`: independent of every other stream of the same seed
    /// (use the rank, thread or particle number as the stream).
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed)
        let a = mixer.next()
        var streamMixer = SplitMix64(seed: stream ^ 0xD1B5_4A32_D192_ED03)
        self.init(seed: a ^ streamMixer.next())
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// A uniform Double in [0, 1): the top 53 bits of `next()` times 2⁻⁵³.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform Double in [lower, upper).
    public mutating func uniform(in range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// A standard normal deviate (mean 0, variance 1), Marsaglia's polar method.
    public mutating func gaussian() -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * Double.log(s) / s).squareRoot()
                spareGaussian = v * factor
                return u * factor
            }
        }
    }

    /// A normal deviate with the given mean and standard deviation.
    public mutating func gaussian(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * gaussian()
    }

    @inline(__always) private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
