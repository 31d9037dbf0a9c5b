import FoveaCore
import FoveaDistributed
import Numerics

/// The intensity scale a_g of each noise group (RELION's rlnGroupScaleCorrection idea), estimated
/// once from the data before the cycles: how strong the signal of the group's images is against
/// their (whitened, unit) noise, relative to the whole dataset.
///
/// After `ParticlePreprocessing.whiten`, an image's noise has a known power e(s) per Fourier pixel
/// (`whitenedNoisePower`), so E_i(s) = Σ_{k in shell s} (|Y_k|² − e(s)) estimates its signal power in
/// shell s, which is
/// a_g²·Σ_k (r_g·CTF_k)²·S(s) for a mean structure power S(s). Summed over the group's particles
/// (exact sums over every rank), E_g(s) and C_g(s) = Σ_i Σ_k (r_g·CTF)² give S(s) = Σ_g E_g / Σ_g C_g
/// and a_g² = Σ_s E_g(s) / Σ_s C_g(s)·S(s), over the shells 1 … the likelihood band. The scales are
/// normalised to a particle-weighted mean of 1 and clamped to [0.2, 5]; a_g multiplies the group's
/// CTF weight (`GroupWhitening.scaled(by:)`), so the likelihood compares with a_g·r_g·CTF·projection
/// and the reconstruction weights by it.
public enum GroupSignalScale {
    static let range: ClosedRange<Double> = 0.2...5

    /// `whitening` with the group scales folded into its CTF weights when `mode` is on and there is
    /// more than one group (the same decision on every rank: the group count is global), else
    /// `whitening` as it is. Collective.
    static func applied(_ mode: GroupScaleMode, to whitening: GroupWhitening, images: any ParticleImageSource,
                        ctfs: [CTFParameters], groups: [Int], backgroundRadius: Double, norm: WhiteningNorm, bandRadius: Double, threads: Int,
                        chunk: Int, communicator: any Communicator) throws -> GroupWhitening {
        guard mode == .on, whitening.groupCount > 1 else { return whitening }
        return whitening.scaled(by: try estimate(images: images, ctfs: ctfs, whitening: whitening, groups: groups,
                                                 backgroundRadius: backgroundRadius, norm: norm, bandRadius: bandRadius, threads: threads,
                                                 chunk: chunk, communicator: communicator))
    }

    /// a_g per group, identical on every rank. Reads and whitens this rank's images once more, in
    /// chunks of `chunk`. Collective.
    public static func estimate(images: any ParticleImageSource, ctfs: [CTFParameters], whitening: GroupWhitening,
                         groups: [Int], backgroundRadius: Double, norm: WhiteningNorm = .shell, bandRadius: Double, threads: Int, chunk: Int,
                         communicator: any Communicator) throws -> [Double] {
        let shells = shellCount(size: images.boxSize, bandRadius: bandRadius)
        let rows = try signalRows(images: images, ctfs: ctfs, whitening: whitening, backgroundRadius: backgroundRadius,
                                  norm: norm, shells: shells, threads: threads, chunk: chunk, communicator: communicator)
        let sums = try ExactSum.globalGroupSums(rows: rows, groups: groups, groupCount: whitening.groupCount,
                                                width: 2 * shells, communicator: communicator)
        return scales(sums: sums, shells: shells, counts: whitening.particleCounts)
    }

    /// Shells 0 … the likelihood band (`bandRadius`, Fourier pixels), at most N/2: the count the
    /// signal rows hold.
    static func shellCount(size: Int, bandRadius: Double) -> Int {
        min(size / 2, Int(bandRadius.rounded(.down))) + 1
    }

    /// Per local particle, its whitened signal power per shell, E_i(s) = Σ_{k in s} (|Y_k|² − e(s))
    /// (the first `shells` values, 0 at s = 0), then C_i(s) = Σ_{k in s} CTF_k² with the CTF as the
    /// likelihood weights it (`GroupWhitening.weight`; the next `shells`). Reads and whitens this
    /// rank's images once more, in chunks of `chunk`. Collective (a rank that cannot read throws
    /// on every rank).
    static func signalRows(images: any ParticleImageSource, ctfs: [CTFParameters], whitening: GroupWhitening,
                           backgroundRadius: Double, norm: WhiteningNorm, shells: Int, threads: Int, chunk: Int,
                           communicator: any Communicator) throws -> [[Double]] {
        let size = images.boxSize
        let shellOf = GroupWhitening.shellIndex(size: size)
        let noise = whitenedNoisePower(size: size, norm: norm)
        let rows = SharedSlots<[Double]>(repeating: [], count: images.count)
        try communicator.agreeing {
            for range in ParticlePreprocessing.chunks(of: images.count, size: chunk) {
                try ParticlePreprocessing.forEachWhitened(range, images: images, ctfs: ctfs, whitening: whitening,
                                                          backgroundRadius: backgroundRadius, threads: threads) { _, particle, spectrum, ctf in
                    var row = [Double](repeating: 0, count: 2 * shells)
                    for (i, v) in spectrum.values.enumerated() {
                        let shell = Int(shellOf[i])
                        guard shell > 0, shell < shells else { continue }
                        row[shell] += Double(v.real * v.real + v.imaginary * v.imaginary) - noise[shell]
                        row[shells + shell] += Double(ctf[i] * ctf[i])
                    }
                    rows.set(particle, row)
                }
            }
        }
        return rows.values
    }

    /// The expected |Y_k|² of pure noise at a pixel of shell s = 0 … N/2 after `whiten` (any
    /// group): the filter leaves every shell 1 … N/2 the same total power (it divides by the shell's
    /// summed power, so a pixel gets 1/n_s of it, n_s the shell's half-plane pixels) and nothing at
    /// s = 0 or beyond N/2; the renormalisation to unit variance makes the full plane's total 1
    /// (Parseval with the ÷N² forward transform): e(s) = 1 / (n_s · Σ_{s'} m_{s'}/n_{s'}), m the
    /// shell's pixels in the full plane. With the per-pixel norm every pixel gets the same,
    /// e = 1 / Σ_{s'} m_{s'}.
    static func whitenedNoisePower(size n: Int, norm: WhiteningNorm) -> [Double] {
        let shells = n / 2 + 1
        let (half, full) = FourierGrid.shellPixelCounts(size: n)
        let share = { (s: Int) in norm == .pixel ? 1 : half[s] }
        let total = (1..<shells).reduce(0.0) { $0 + full[$1] / share($1) }
        return (0..<shells).map { $0 > 0 ? 1 / (share($0) * total) : 0 }
    }

    /// S(s) = Σ_g E_g(s) / Σ_g C_g(s) (≥ 0; 0 where no CTF weight): the mean structure power per
    /// unit of squared CTF weight, from the per-group sums of `signalRows`.
    static func structurePower(sums: [[Double]], shells: Int) -> [Double] {
        (0..<shells).map { s -> Double in
            let c = sums.reduce(0.0) { $0 + $1[shells + s] }
            return c > 0 ? max(0, sums.reduce(0.0) { $0 + $1[s] } / c) : 0
        }
    }

    /// a_g from the per-group sums E_g(s) (first `shells` values) and C_g(s) (the next `shells`).
    static func scales(sums: [[Double]], shells: Int, counts: [Int]) -> [Double] {
        let structure = structurePower(sums: sums, shells: shells)
        let squared = sums.map { row -> Double in
            let expected = (1..<shells).reduce(0.0) { $0 + row[shells + $1] * structure[$1] }
            let measured = (1..<shells).reduce(0.0) { $0 + row[$1] }
            return expected > 0 ? max(0, measured / expected) : 1
        }
        let raw = squared.map { $0.squareRoot() }
        let total = Double(max(1, counts.reduce(0, +)))
        let mean = zip(raw, counts).reduce(0.0) { $0 + $1.0 * Double($1.1) } / total
        return raw.map { mean > 0 ? min(range.upperBound, max(range.lowerBound, $0 / mean)) : 1 }
    }
}
