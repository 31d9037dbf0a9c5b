import FoveaCore
import Numerics

/// Real-data imperfections the humanoid simulator can add (all off by default, and then the dataset
/// is bit-for-bit the one without them: their random draws come from streams of their own).
///
/// Particles are grouped into micrographs of `particlesPerMicrograph` consecutive particles. Per
/// micrograph m (from `SeededRandom(seed: seed ^ micrographSalt, stream: m)`): a noise-level factor
/// exp(σ_ν·g − σ_ν²/2) (g standard normal; mean 1, σ_ν = `noiseLogSpread`), a noise-colour B-factor
/// b uniform in [0, `noiseColourMax`] Å² — the shot noise is filtered by exp(−b|k|²/4), rescaled so
/// its variance is unchanged — and an envelope B-factor increment uniform in [0, `bFactorSpread`]
/// Å². Per particle i (from `SeededRandom(seed: seed ^ particleSalt, stream: i)`): a contrast scale
/// exp(σ_c·g − σ_c²/2) of the signal (σ_c = `contrastLogSpread`), and whether it is junk (probability
/// `junkFraction`): a junk image holds noise only, no humanoid. With any imperfection on (or
/// `normalise` true), every image is normalised as RELION's extraction does: minus the mean and
/// divided by the standard deviation of the pixels outside the circle of radius 0.375·N (RELION's
/// default background radius, 75 % of the half box).
public struct SimulationImperfections: Sendable, Equatable {
    /// Standard deviation of ln(contrast scale) over particles (0 = every particle at contrast 1).
    public var contrastLogSpread = 0.0
    /// Standard deviation of ln(noise-level factor) over micrographs (0 = one noise level).
    public var noiseLogSpread = 0.0
    /// Largest noise-colour B-factor, Å² (0 = white shot noise).
    public var noiseColourMax = 0.0
    /// Largest per-micrograph increment of the envelope B-factor, Å² (0 = one B-factor).
    public var bFactorSpread = 0.0
    /// Fraction of junk particles (0 … 1).
    public var junkFraction = 0.0
    /// Consecutive particles per micrograph (≥ 1).
    public var particlesPerMicrograph = 100
    /// Normalise images on their background; nil = when any imperfection is on.
    public var normalise: Bool?

    public init() {}

    static let micrographSalt: UInt64 = 0x4D49_4352_4F47_5241
    static let particleSalt: UInt64 = 0x5041_5254_4943_4C45

    /// Whether any imperfection changes the images or their parameters.
    public var isActive: Bool {
        contrastLogSpread > 0 || noiseLogSpread > 0 || noiseColourMax > 0 || bFactorSpread > 0 || junkFraction > 0
    }

    /// Whether images are normalised on their background.
    public var normalises: Bool { normalise ?? isActive }

    /// The micrograph (0-based) of particle `index`.
    public func micrograph(of index: Int) -> Int { index / max(particlesPerMicrograph, 1) }

    /// One micrograph's draws.
    public struct Micrograph: Sendable, Equatable {
        /// Factor on both noise standard deviations.
        public var noiseFactor: Double
        /// B-factor (Å²) of the shot-noise colour filter exp(−b|k|²/4).
        public var noiseColourB: Double
        /// Added to the envelope B-factor, Å².
        public var bFactorIncrement: Double
    }

    /// One particle's draws.
    public struct Particle: Sendable, Equatable {
        /// Factor on the signal.
        public var contrastScale: Double
        /// A junk image: noise only.
        public var isJunk: Bool
    }

    /// The draws of micrograph `m` of a dataset with `seed`.
    public func micrograph(_ m: Int, seed: UInt64) -> Micrograph {
        var random = SeededRandom(seed: seed ^ Self.micrographSalt, stream: UInt64(m))
        let g = random.gaussian(), colour = random.uniform(), b = random.uniform()
        return Micrograph(noiseFactor: Double.exp(noiseLogSpread * g - noiseLogSpread * noiseLogSpread / 2),
                          noiseColourB: noiseColourMax * colour, bFactorIncrement: bFactorSpread * b)
    }

    /// The draws of particle `index` of a dataset with `seed`.
    public func particle(_ index: Int, seed: UInt64) -> Particle {
        var random = SeededRandom(seed: seed ^ Self.particleSalt, stream: UInt64(index))
        let g = random.gaussian(), junk = random.uniform()
        return Particle(contrastScale: Double.exp(contrastLogSpread * g - contrastLogSpread * contrastLogSpread / 2),
                        isJunk: junk < junkFraction)
    }

    /// The shot-noise amplitude filter exp(−b|k|²/4) on the half-plane grid (k in 1/Å), scaled so
    /// that white noise keeps its variance (mean of the filter² over the full N×N grid is 1); nil for b = 0.
    public static func colourFilter(b: Double, size n: Int, pixelSize p: Double) -> [Float]? {
        guard b > 0 else { return nil }
        let w = n / 2 + 1, step = 1 / (Double(n) * p)
        var filter = [Double](repeating: 0, count: w * n)
        var sum = 0.0
        for j in 0..<n {
            let ky = Double(FourierGrid.frequency(index: j, size: n)) * step
            for i in 0..<w {
                let kx = Double(i) * step
                let value = Double.exp(-b * (kx * kx + ky * ky) / 4)
                filter[i + w * j] = value
                sum += ((i == 0 || i == n / 2) ? 1 : 2) * value * value
            }
        }
        let scale = (Double(n * n) / sum).squareRoot()
        return filter.map { Float($0 * scale) }
    }

    /// Normalises `image` in place on its background: pixels outside the circle of radius 0.375·N
    /// around the centre get mean 0 and standard deviation 1 (the whole image is shifted and scaled).
    public static func normaliseOnBackground(_ image: inout Image2D) {
        let n = image.size, c = Double(n / 2), radius = 0.375 * Double(n)
        var sum = 0.0, sumSquares = 0.0, count = 0.0
        for j in 0..<n {
            for i in 0..<n {
                let dx = Double(i) - c, dy = Double(j) - c
                guard dx * dx + dy * dy > radius * radius else { continue }
                let v = Double(image.pixels[i + n * j])
                sum += v; sumSquares += v * v; count += 1
            }
        }
        guard count > 1 else { return }
        let mean = sum / count
        let deviation = max(sumSquares / count - mean * mean, 0).squareRoot()
        guard deviation > 0 else { return }
        for i in image.pixels.indices { image.pixels[i] = Float((Double(image.pixels[i]) - mean) / deviation) }
    }
}
