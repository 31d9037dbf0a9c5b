import Foundation
import FoveaCore
import FoveaDistributed

/// Whether each particle gets its own intensity scale (`ParticleSignalScale`, `--particle-scale`).
public enum ParticleScaleMode: String, Sendable, Codable, CaseIterable {
    case on, off
}

/// The intensity scale a_i of each particle (docs/algorithm.md "Particle intensity scale"): real
/// particles differ in contrast (ice thickness, dose, background normalisation of each image), which
/// no per-group model follows. Estimated once from the data before the cycles, like the group scale
/// (`GroupSignalScale`), so that no class model and no cycle can feed back into it:
///
/// 1. From the whitened spectrum (noise power e(s) per pixel known, `whitenedNoisePower`) each
///    particle's signal power over the shells 1 … the likelihood band, P_i = Σ_s E_i(s), is compared
///    with what a particle of unit scale would carry there, D_i = Σ_s C_i(s)·S_v(s) (C_i: its squared
///    CTF weights, already holding r_g and a_g; S_v: the mean structure power of the particles seen
///    from directions near its own, view bin v, `viewBins`: a projection's power depends on the
///    direction, and the same S for all would read an elongated particle's views as contrast):
///    q̂_i = P_i / D_i estimates a_i² without bias, with sampling variance
///    v_i = Σ_s m(s)·(e(s)² + 2·e(s)·μ_g·C_i(s)·S(s)/n(s)) / D_i²
///    (Gaussian noise: var |Y|² = e² + 2e·|signal|²; n(s) the shell's half-plane pixels, m(s) the same
///    with the pixels of the self-conjugate columns kx = 0 and N/2, stored twice, counted twice).
/// 2. Empirical Bayes, relative to the group: μ_g = the mean q̂ of the particle's noise group,
///    r̂_i = q̂_i/μ_g with variance w_i = v_i/μ_g², and the spread of true r between particles
///    τ² = mean((r̂_i − 1)² − w_i) over every particle less two standard errors (`spreadOfScales`);
///    the posterior mean r̃_i = 1 + τ²/(τ² + w_i)·(r̂_i − 1) shrinks each estimate toward its
///    group by its own precision, so that noisy particles (low SNR) keep their group's scale, and
///    data without a per-particle spread (τ² = 0) get a_i = 1 everywhere.
/// 3. a_i = √r̃_i, clamped to [0.2, 5] (1 when μ_g ≤ 0 or the particle has no CTF weight in the
///    band), multiplies the particle's CTF weight (`GroupWhitening.withParticleScales`): the
///    likelihood compares with a_i·r_g·CTF·projection and the reconstruction weights by it.
///
/// Every sum over particles is exact (`ExactSum`), so a_i is identical on any number of ranks and
/// threads, resident or streamed.
public enum ParticleSignalScale {
    /// The range a_i is clamped to (dimensionless).
    public static let range: ClosedRange<Double> = 0.2...5

    /// One particle's unbiased estimate q̂ of a_i² and its sampling variance v; `weight` 0 for a
    /// particle without CTF weight in the band (it keeps a_i = 1 and does not enter the sums).
    public struct Measurement: Sendable, Equatable {
        public var squaredScale: Double
        public var variance: Double
        public var weight: Double

        public init(squaredScale: Double, variance: Double, weight: Double) {
            self.squaredScale = squaredScale
            self.variance = variance
            self.weight = weight
        }
    }

    /// `whitening` with every local particle's a_i folded into its CTF weight when `mode` is on,
    /// else `whitening` as it is. Collective.
    static func applied(_ mode: ParticleScaleMode, to whitening: GroupWhitening, images: any ParticleImageSource,
                        ctfs: [CTFParameters], groups: [Int], angles: [EulerAngles], globalCount: Int, backgroundRadius: Double, norm: WhiteningNorm,
                        bandRadius: Double, threads: Int, chunk: Int, communicator: any Communicator) throws -> GroupWhitening {
        guard mode == .on else { return whitening }
        let bins = viewBins(particleCount: globalCount)
        let scales = try estimate(images: images, ctfs: ctfs, whitening: whitening, groups: groups,
                                  views: angles.map { viewBin(of: $0, bins: bins) }, viewCount: bins.bands * bins.sectors,
                                  backgroundRadius: backgroundRadius, norm: norm, bandRadius: bandRadius, threads: threads,
                                  chunk: chunk, communicator: communicator)
        let local = scales.map { Float($0) }
        var extremes = [Double(local.max() ?? 0), -Double(local.min() ?? Float(range.upperBound))]
        try communicator.allreduce(&extremes, .max)
        return whitening.withParticleScales(local, extremes: Float(-extremes[1])...Float(extremes[0]))
    }

    /// a_i per local particle, from the same data on any number of ranks. Reads and whitens this
    /// rank's images once more, in chunks of `chunk`. Collective.
    /// `views[i]` is local particle i's view bin (`viewBins`), `viewCount` the bins' count.
    public static func estimate(images: any ParticleImageSource, ctfs: [CTFParameters], whitening: GroupWhitening,
                                groups: [Int], views: [Int], viewCount: Int, backgroundRadius: Double, norm: WhiteningNorm,
                                bandRadius: Double, threads: Int, chunk: Int, communicator: any Communicator) throws -> [Double] {
        let size = images.boxSize
        let shells = GroupSignalScale.shellCount(size: size, bandRadius: bandRadius)
        let rows = try GroupSignalScale.signalRows(images: images, ctfs: ctfs, whitening: whitening,
                                                   backgroundRadius: backgroundRadius, norm: norm, shells: shells,
                                                   threads: threads, chunk: chunk, communicator: communicator)
        let groupCount = whitening.groupCount
        // S per view bin: a projection's power depends on the direction it is seen from.
        let sums = try ExactSum.globalGroupSums(rows: rows, groups: views, groupCount: viewCount, width: 2 * shells,
                                                communicator: communicator)
        let structures = sums.map { GroupSignalScale.structurePower(sums: [$0], shells: shells) }
        let noise = GroupSignalScale.whitenedNoisePower(size: size, norm: norm)
        let pixels = shellPixels(size: size, shells: shells)
        // Group means of q̂ first (the variance's signal term needs them), then the spread.
        let unit = zip(rows, views).map { measure($0, structure: structures[$1], noise: noise, pixels: pixels, groupMean: 1) }
        let meanSums = try ExactSum.globalGroupSums(rows: unit.map { [$0.weight * $0.squaredScale, $0.weight] },
                                                    groups: groups, groupCount: groupCount, width: 2, communicator: communicator)
        let means = meanSums.map { $0[1] > 0 ? $0[0] / $0[1] : 1 }
        let relative = rows.indices.map { i -> Measurement in
            let g = groups[i]
            let m = measure(rows[i], structure: structures[views[i]], noise: noise, pixels: pixels, groupMean: means[g])
            return means[g] > 0 && means[g].isFinite
                ? Measurement(squaredScale: m.squaredScale / means[g], variance: m.variance / (means[g] * means[g]), weight: m.weight)
                : Measurement(squaredScale: 1, variance: 0, weight: 0)
        }
        let deviations = relative.map { m in
            [m.weight * (m.squaredScale - 1) * (m.squaredScale - 1), m.weight * m.variance, m.weight * m.variance * m.variance, m.weight]
        }
        let spreadSums = try ExactSum.globalGroupSums(rows: deviations, groups: [Int](repeating: 0, count: rows.count),
                                                      groupCount: 1, width: 4, communicator: communicator)[0]
        let spread = spreadOfScales(squaredDeviations: spreadSums[0], variances: spreadSums[1],
                                    squaredVariances: spreadSums[2], count: spreadSums[3])
        return relative.map { scale($0, spread: spread) }
    }

    /// q̂ and v of one particle's `signalRows` row (E then C per shell) given S(s), e(s), the shells'
    /// pixel counts (n, m) and its group's mean q̂ (`groupMean`, for the variance's signal term).
    public static func measure(_ row: [Double], structure: [Double], noise: [Double], pixels: [(n: Double, m: Double)],
                               groupMean: Double) -> Measurement {
        let shells = structure.count
        var power = 0.0, expected = 0.0, variance = 0.0
        for s in 1..<shells where pixels[s].n > 0 {
            power += row[s]
            let signal = row[shells + s] * structure[s]
            expected += signal
            variance += pixels[s].m * (noise[s] * noise[s] + 2 * noise[s] * max(0, groupMean) * signal / pixels[s].n)
        }
        guard expected > 0, power.isFinite, expected.isFinite, variance.isFinite else {
            return Measurement(squaredScale: 1, variance: 0, weight: 0)
        }
        return Measurement(squaredScale: power / expected, variance: variance / (expected * expected), weight: 1)
    }

    /// τ², the spread of true relative q between particles, from Σ (r̂ − 1)², Σ w, Σ w² over `count`
    /// particles: the moment estimate mean((r̂ − 1)² − w) less two of its standard errors
    /// (√(2·Σ (w + τ²)²)/count for Gaussian r̂), and 0 when that is negative: where single particles
    /// say little (w ≫ τ²), the sampling error of the moment estimate alone would otherwise pass for
    /// a spread and let noise through the shrinkage.
    public static func spreadOfScales(squaredDeviations: Double, variances: Double, squaredVariances: Double,
                                      count: Double) -> Double {
        guard count > 1 else { return 0 }
        let moment = max(0, (squaredDeviations - variances) / count)
        let error = (2 * (squaredVariances + 2 * moment * variances + count * moment * moment)).squareRoot() / count
        return max(0, moment - 2 * error)
    }

    /// a_i from its measurement relative to its group's mean (q̂/μ_g and v/μ_g², so that the group's
    /// mean is 1) and the spread τ² of true relative q between particles.
    public static func scale(_ m: Measurement, spread: Double) -> Double {
        guard m.weight > 0, m.squaredScale.isFinite, m.variance.isFinite else { return 1 }
        let shrinkage = spread > 0 ? spread / (spread + m.variance) : 0
        let posterior = 1 + shrinkage * (m.squaredScale - 1)
        return min(range.upperBound, max(range.lowerBound, max(0, posterior).squareRoot()))
    }

    /// The view bins for `particleCount` particles over all ranks: `bands` equal-area bands of the
    /// projection direction's |cos tilt| times `sectors` of its rot angle (directions folded onto
    /// one hemisphere: a projection and its opposite have the same power), the most of 1×1, 2×2,
    /// 2×4, 4×4, 4×6 that leaves at least 80 particles per bin on average.
    public static func viewBins(particleCount: Int) -> (bands: Int, sectors: Int) {
        let layouts = [(4, 6), (4, 4), (2, 4), (2, 2)]
        return layouts.first { particleCount >= 80 * $0.0 * $0.1 } ?? (1, 1)
    }

    /// The view bin (0 ..< bands·sectors) of a particle seen at `angles` (RELION's rot, tilt, psi in
    /// degrees; the direction depends on rot and tilt only).
    public static func viewBin(of angles: EulerAngles, bins: (bands: Int, sectors: Int)) -> Int {
        var cosTilt = Foundation.cos(angles.theta * .pi / 180), rot = angles.phi
        if cosTilt < 0 { cosTilt = -cosTilt; rot += 180 }
        guard cosTilt.isFinite, rot.isFinite else { return 0 }
        let band = min(bins.bands - 1, max(0, Int(cosTilt * Double(bins.bands))))
        let turn = (rot / 360 - (rot / 360).rounded(.down))
        let sector = min(bins.sectors - 1, max(0, Int(turn * Double(bins.sectors))))
        return band * bins.sectors + sector
    }

    /// Per shell 0 ..< `shells` of the N half plane (shell = round(|k|), `GroupWhitening.shellIndex`):
    /// n, its pixels, and m, the same with the pixels of the self-conjugate columns kx = 0 and
    /// kx = N/2 counted twice (each of them equals the conjugate of another stored pixel, so its
    /// |Y|² is counted twice in a shell's sum and its variance four times).
    public static func shellPixels(size: Int, shells: Int) -> [(n: Double, m: Double)] {
        let w = size / 2 + 1
        var counts = [(n: Double, m: Double)](repeating: (0, 0), count: shells)
        for (i, shell) in GroupWhitening.shellIndex(size: size).enumerated() where Int(shell) < shells {
            let kx = i % w
            counts[Int(shell)].n += 1
            counts[Int(shell)].m += kx == 0 || kx == size / 2 ? 2 : 1
        }
        return counts
    }
}
