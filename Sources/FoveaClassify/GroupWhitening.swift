import FoveaCore
import FoveaDistributed
import Numerics

/// The whitening filters of the likelihood's noise model, one per noise group (docs/algorithm.md
/// "Noise groups"): W_g(s) = 1/√P_g(s), P_g(s) the background power in Fourier shell s of the
/// images of group g normalised to unit background SD, summed over the group's particles on
/// every rank (exact sums, so identical on any number of ranks). With one group this is the
/// global filter of §3. A group without particles gets the filter of all particles pooled.
///
/// The class maps stay in the units of the pooled whitening W(s) = 1/√P(s) (P the mean power of
/// all particles): after its own filter, the signal of an image of group g is the pooled-whitened
/// signal times r_g(s) = √(P(s)/P_g(s)) (mean powers per particle), while its noise is white with
/// unit variance like every other image's. The model of the image is therefore r_g·CTF·projection,
/// and the engine stores r_g·CTF as the particle's CTF: the likelihood compares with it and the
/// reconstruction weights by it, as RELION's per-group noise spectra σ²_g(s) weight each image
/// by its own noise. With one group r = 1 and nothing changes.
public struct GroupWhitening: Sendable {
    /// Box N (pixels) of the images the filters apply to.
    public let size: Int
    /// P_g(s) / n_g per group g and shell s = 0 … N/2: the mean normalised background power
    /// (Σ|X̂|² over the shell's half-plane pixels, spectra ÷ N²) of one of the group's images.
    public let meanPower: [[Double]]
    /// n_g, the particles of each group over all ranks.
    public let particleCounts: [Int]
    /// W_g(s) per group and shell; 0 at s = 0 and where P_g(s) = 0.
    let filters: [[Float]]
    /// The group (0-based) of each local particle.
    let groupOfParticle: [Int]
    /// The shell round(|k|) of each pixel of the N half plane (N/2 + 1 and beyond: no filter).
    let shellOfPixel: [Int32]
    /// r_g(s) per group and shell (1 at s = 0 and where either power is 0); nil for one group.
    let relativeWeights: [[Float]]?
    /// a_g per group when the group intensity scale is on (nil otherwise).
    public var groupScales: [Double]? = nil
    /// a_i per local particle when the particle intensity scale is on (`ParticleSignalScale`), nil
    /// otherwise; multiplies the particle's CTF weight after r_g (and a_g).
    public private(set) var particleScales: [Float]? = nil
    /// The largest a_i over every rank (1 when off), so that the fixed-point CTF range is the same
    /// on every rank.
    public private(set) var largestParticleScale: Float = 1
    /// The smallest a_i over every rank (1 when off).
    public private(set) var smallestParticleScale: Float = 1
    /// The largest |a_i·r_g·CTF| a prepared particle may hold (≥ 1), for its fixed-point CTF.
    public var ctfRange: Float { max(1, (relativeWeights?.lazy.map { $0.max() ?? 1 }.max() ?? 1) * max(1, largestParticleScale)) }

    /// Groups of the whole dataset.
    public var groupCount: Int { filters.count }

    /// Multiplies `spectrum` (the N half plane) by the filter of local particle `particle`'s group.
    public func apply(to spectrum: inout HalfComplexImage, particle: Int) {
        let filter = filters[groupOfParticle[particle]]
        spectrum.values.withUnsafeMutableBufferPointer { v in
            for i in 0..<v.count {
                let shell = Int(shellOfPixel[i])
                let w: Float = shell < filter.count ? filter[shell] : 0
                v[i] = Complex(v[i].real * w, v[i].imaginary * w)
            }
        }
    }

    /// The same filters with each group's CTF weight r_g also multiplied by `scales[g]` (the group
    /// intensity scale a_g, `GroupSignalScale`).
    func scaled(by scales: [Double]) -> GroupWhitening {
        let base = relativeWeights ?? filters.map { [Float](repeating: 1, count: $0.count) }
        return GroupWhitening(size: size, meanPower: meanPower, particleCounts: particleCounts, filters: filters,
                              groupOfParticle: groupOfParticle, shellOfPixel: shellOfPixel,
                              relativeWeights: zip(base, scales).map { weights, a in weights.map { $0 * Float(a) } },
                              groupScales: scales)
    }

    /// The same filters with local particle i's CTF weight also multiplied by `scales[i]` (its
    /// intensity scale a_i, `ParticleSignalScale`); `extremes` are the smallest and largest a_i on any rank.
    func withParticleScales(_ scales: [Float], extremes: ClosedRange<Float>) -> GroupWhitening {
        var copy = self
        copy.particleScales = scales
        copy.smallestParticleScale = extremes.lowerBound
        copy.largestParticleScale = extremes.upperBound
        return copy
    }

    /// Multiplies a CTF on the N half plane by r_g(|k|) of local particle `particle`'s group
    /// (pixels beyond shell N/2 keep their CTF), then by the particle's a_i when set.
    public func weight(ctf: inout [Float], particle: Int) {
        if let relativeWeights {
            let weights = relativeWeights[groupOfParticle[particle]]
            for i in ctf.indices {
                let shell = Int(shellOfPixel[i])
                if shell < weights.count { ctf[i] *= weights[shell] }
            }
        }
        if let particleScales, particleScales[particle] != 1 {
            let a = particleScales[particle]
            for i in ctf.indices { ctf[i] *= a }
        }
    }

    /// Estimates the filters from the backgrounds (pixels beyond `backgroundRadius` pixels) of this
    /// rank's images, `groups[i]` (≥ 0) the noise group of local particle i, and returns them with
    /// the raw background power of all particles per shell (`MapDensityScale`'s input). Reads the
    /// images in chunks of `chunk`. Collective: a rank that cannot read its images, or finds a NaN,
    /// throws its error and the others throw "another rank …".
    public static func estimate(images: any ParticleImageSource, globalIndex: [Int], groups: [Int], backgroundRadius: Double,
                         norm: WhiteningNorm = .shell, threads: Int, chunk: Int, communicator: any Communicator) throws -> (whitening: GroupWhitening, rawPower: [Double]) {
        let size = images.boxSize, shells = size / 2 + 1
        var largest = [Double(groups.max() ?? 0)]
        try communicator.allreduce(&largest, .max)
        let groupCount = Int(largest[0]) + 1
        let perImage = SharedSlots<[Double]>(repeating: [], count: images.count)
        let variances = SharedSlots<Double>(repeating: 0, count: images.count)
        try communicator.agreeing {
            for range in ParticlePreprocessing.chunks(of: images.count, size: chunk) {
                let raw = try images.images(range)
                for (offset, pixels) in raw.enumerated() where pixels.contains(where: { !$0.isFinite }) {
                    throw EngineInputError("particle \(globalIndex[range.lowerBound + offset] + 1) has a NaN or infinite pixel value")
                }
                ParallelChunks.run(count: raw.count, threads: threads,
                                   makeState: { FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: size)) }) { workspace, local in
                    var spectrum = HalfComplexImage(size: size)
                    for offset in local {
                        let (power, sd) = ParticlePreprocessing.backgroundShellPower(raw[offset], size: size, radius: backgroundRadius,
                                                                                     workspace: workspace, spectrum: &spectrum)
                        perImage.set(range.lowerBound + offset, power)
                        variances.set(range.lowerBound + offset, sd * sd)
                    }
                }
            }
        }
        // Each row: the image's normalised shell powers, then 1 (its count).
        let rows = perImage.values.map { $0 + [1] }
        let sums = try ExactSum.globalGroupSums(rows: rows, groups: groups, groupCount: groupCount, width: shells + 1,
                                                communicator: communicator)
        let rawColumns = (0..<shells).map { shell in zip(perImage.values, variances.values).map { $0[shell] * $1 } }
        let rawPower = try ExactSum.globalSums(rawColumns, communicator: communicator)
        let counts = sums.map { Int($0[shells].rounded()) }
        let pooled = (0..<shells).map { shell in sums.reduce(0.0) { $0 + $1[shell] } }
        let powers = sums.map { counts.count > 1 && $0[shells] == 0 ? pooled : Array($0[0..<shells]) }
        let total = Double(max(1, counts.reduce(0, +)))
        let meanPower = zip(powers, counts).map { power, count in power.map { $0 / (count > 0 ? Double(count) : total) } }
        let pooledMean = pooled.map { $0 / total }
        let relative = groupCount == 1 ? nil : meanPower.map { power in
            power.indices.map { s in s > 0 && power[s] > 0 && pooledMean[s] > 0 ? Float((pooledMean[s] / power[s]).squareRoot()) : 1 }
        }
        let whitening = GroupWhitening(size: size, meanPower: meanPower, particleCounts: counts,
                                       filters: powers.map { filter(power: norm == .pixel ? perPixel($0, size: size) : $0) },
                                       groupOfParticle: groups,
                                       shellOfPixel: shellIndex(size: size), relativeWeights: relative)
        return (whitening, rawPower)
    }

    /// 1/√P per shell (Float), 0 at shell 0 and where P = 0. The origin gets 0: the background was
    /// made zero-mean, so its shell-0 power is rounding noise, and 1/√P there would blow the
    /// image's mean up by many orders of magnitude.
    static func filter(power: [Double]) -> [Float] {
        power.indices.map { shell in shell > 0 && power[shell] > 0 ? Float(1 / power[shell].squareRoot()) : 0 }
    }

    /// Shell powers divided by the shell's half-plane pixels (0 where a shell has none).
    static func perPixel(_ power: [Double], size: Int) -> [Double] {
        let pixels = FourierGrid.shellPixelCounts(size: size).halfPlane
        return power.indices.map { $0 < pixels.count && pixels[$0] > 0 ? power[$0] / pixels[$0] : 0 }
    }

    /// round(|k|) per pixel of the N half plane, index i + (N/2 + 1)·j.
    static func shellIndex(size n: Int) -> [Int32] {
        let w = n / 2 + 1
        var shells = [Int32](repeating: 0, count: w * n)
        for j in 0..<n {
            let ky = FourierGrid.frequency(index: j, size: n)
            for i in 0..<w { shells[i + w * j] = Int32((Double(i * i + ky * ky)).squareRoot().rounded()) }
        }
        return shells
    }
}
