import FoveaDistributed

/// Whether each particle gets its own noise level σ_i² in the likelihood (`ParticleNoiseLevel`,
/// `--particle-noise`), and whether it also weights the particle's insertion.
public enum ParticleNoiseMode: String, Sendable, Codable, CaseIterable {
    /// σ_i² = 1 for every particle (every run before the option).
    case off
    /// LogP of every class divided by σ_i²: a particle that fits worse gets flatter occupancies.
    case likelihood
    /// As `likelihood`, and the particle's reconstruction weight divided by σ_i² (Frealign's
    /// score weighting: particles that fit worse weigh less).
    case weighted
}

/// The noise level σ_i² of each particle relative to its noise group (docs/algorithm.md §6.2), from
/// its residual against the classes in the likelihood region, estimated every cycle:
///
/// 1. Per row r, the mean squared residual of its best class, m_r = −2·max_k LogP_rk/n_r − ln 2π
///    (n_r the region's area in full-box pixels, as LogP counts it), and s_r, the independent
///    samples it averages: the region's cropped pixels times the low-pass's degrees of freedom per
///    pixel, (Σ L²)²/Σ L⁴ over the N_c plane divided by N_c² (`LikelihoodEvaluation.degreesOfFreedom`).
///    A particle's copies (pseudo-symmetry rows) are pooled: m_i = Σ s_r·m_r / Σ s_r, and
///    s_i = max_r s_r (copies may read the same pixels, so their samples are not added).
/// 2. Relative to the particle's noise group: r̂_i = m_i/μ_g (μ_g the group's mean m over active
///    particles, exact sums over every rank) with sampling variance w_i = 2/s_i (a mean of s_i
///    squared Gaussian values); the spread τ² of true relative levels between particles is the
///    moment estimate less two standard errors (`ParticleSignalScale.spreadOfScales`), and
///    σ_i² = 1 + τ²/(τ² + w_i)·(r̂_i − 1), clamped to `range`: particles whose residual is no more
///    than sampling noise keep their group's level (τ² = 0 gives σ_i² = 1 everywhere).
/// 3. The likelihood uses LogP_rk/σ_i², which divides every class difference of the particle by
///    σ_i²; `weighted` also divides its reconstruction weight by σ_i² (`ReconstructionWeights`
///    with σ_i = √σ_i²).
///
/// Every sum over particles is exact (`ExactSum`), so σ_i² is the same on any number of ranks and
/// threads, resident or streamed.
public enum ParticleNoiseLevel {
    /// The range σ_i² is clamped to (relative to the group's mean, dimensionless).
    public static let range: ClosedRange<Double> = 0.2...5

    /// One row's region as the likelihood counts it: n_r (full-box pixels, LogP's area) and s_r
    /// (independent samples of the residual in it). A row with s_r = 0 carries no measurement.
    public struct RowArea: Sendable, Equatable {
        public var logPArea: Double
        public var samples: Double

        public init(logPArea: Double, samples: Double) {
            self.logPArea = logPArea
            self.samples = samples
        }
    }

    /// n_r and s_r of every row of a shard, from its regions and the likelihood's low-pass.
    static func rowAreas(regions: [LikelihoodRegion], evaluation: LikelihoodEvaluation) -> [RowArea] {
        let nc = evaluation.croppedSize
        let perPixel = degreesOfFreedom(lowPass: evaluation.lowPass, croppedSize: nc) / Double(nc * nc)
        return regions.map { region in
            let (area, pixels): (Double, Double)
            switch region {
            case .disc(let disc): (area, pixels) = (disc.analyticArea, Double(disc.pixelCount(width: nc, height: nc)))
            case .spans(let spans): (area, pixels) = (Double(spans.pixelCount), Double(spans.pixelCount))
            case .weights(let weights):
                let sum = weights.reduce(0.0) { $0 + Double($1) }
                (area, pixels) = (sum, sum)
            }
            return RowArea(logPArea: area * evaluation.areaScale, samples: pixels > 0 && area > 0 ? pixels * perPixel : 0)
        }
    }

    /// (Σ L²)²/Σ L⁴ over the whole N_c plane (each stored half-plane value but those of the columns
    /// kx = 0 and N_c/2 stands for two): the independent samples of white noise after the low-pass L
    /// in an image of N_c² pixels (for a hard disc, its Fourier pixels).
    public static func degreesOfFreedom(lowPass: [Float], croppedSize nc: Int) -> Double {
        let w = nc / 2 + 1
        var second = 0.0, fourth = 0.0
        for (i, value) in lowPass.enumerated() {
            let kx = i % w, l2 = Double(value) * Double(value)
            let copies: Double = kx == 0 || kx == nc / 2 ? 1 : 2
            second += copies * l2
            fourth += copies * l2 * l2
        }
        return fourth > 0 ? second * second / fourth : 0
    }

    /// The particle's pooled residual m_i and samples s_i from its rows' best LogP and areas; weight
    /// 0 when no row measures anything.
    public static func measurement(bestLogP: [Double], areas: [RowArea]) -> (residual: Double, samples: Double) {
        var weighted = 0.0, total = 0.0, most = 0.0
        for (logP, area) in zip(bestLogP, areas) where area.samples > 0 && area.logPArea > 0 {
            let residual = -2 * logP / area.logPArea - LogLikelihood.logTwoPi
            guard residual.isFinite else { continue }
            weighted += area.samples * residual
            total += area.samples
            most = max(most, area.samples)
        }
        return total > 0 ? (weighted / total, most) : (0, 0)
    }

    /// σ_i² of every local particle. `logP` holds this shard's rows (`operatorCount` consecutive
    /// rows per particle), `areas` one per row, `groups` the noise group of each local particle,
    /// `active` one flag per row. Collective.
    public static func estimate(logP: ClassTable, operatorCount: Int, areas: [RowArea], groups: [Int], groupCount: Int,
                                active: [Bool], communicator: any Communicator) throws -> [Double] {
        let k = logP.classCount
        let measured = groups.indices.map { particle -> (residual: Double, samples: Double) in
            let rows = (particle * operatorCount)..<((particle + 1) * operatorCount)
            let best = rows.map { row in (0..<k).reduce(-Double.infinity) { max($0, Double(logP[row, $1])) } }
            return measurement(bestLogP: best, areas: Array(areas[rows]))
        }
        let counted = groups.indices.map { particle in
            measured[particle].samples > 0 && active[particle * operatorCount] ? 1.0 : 0.0
        }
        let meanSums = try ExactSum.globalGroupSums(rows: groups.indices.map { [counted[$0] * measured[$0].residual, counted[$0]] },
                                                    groups: groups, groupCount: groupCount, width: 2, communicator: communicator)
        let means = meanSums.map { $0[1] > 0 ? $0[0] / $0[1] : 0 }
        let relative = groups.indices.map { particle -> ParticleSignalScale.Measurement in
            let mean = means[groups[particle]], m = measured[particle]
            guard mean > 0, mean.isFinite, m.samples > 0 else { return .init(squaredScale: 1, variance: 0, weight: 0) }
            return .init(squaredScale: m.residual / mean, variance: 2 / m.samples, weight: counted[particle])
        }
        let deviations = relative.map { m in
            [m.weight * (m.squaredScale - 1) * (m.squaredScale - 1), m.weight * m.variance, m.weight * m.variance * m.variance, m.weight]
        }
        let sums = try ExactSum.globalGroupSums(rows: deviations, groups: [Int](repeating: 0, count: groups.count),
                                                groupCount: 1, width: 4, communicator: communicator)[0]
        let spread = ParticleSignalScale.spreadOfScales(squaredDeviations: sums[0], variances: sums[1],
                                                        squaredVariances: sums[2], count: sums[3])
        return relative.map { level($0, spread: spread) }
    }

    /// σ_i² from a particle's relative residual r̂ (`squaredScale`) and its sampling variance w
    /// (`variance`), given the spread τ² between particles; 1 without a measurement.
    public static func level(_ m: ParticleSignalScale.Measurement, spread: Double) -> Double {
        guard m.squaredScale.isFinite, m.variance.isFinite, m.variance > 0 || spread > 0 else { return 1 }
        let shrinkage = spread > 0 ? spread / (spread + m.variance) : 0
        return min(range.upperBound, max(range.lowerBound, 1 + shrinkage * (m.squaredScale - 1)))
    }

    /// `logP` with every row's values divided by its particle's σ_i² (`levels`, one per particle).
    public static func scaled(_ logP: ClassTable, levels: [Double], operatorCount: Int) -> ClassTable {
        var result = logP
        for row in 0..<logP.rowCount {
            let level = levels[row / operatorCount]
            guard level != 1 else { continue }
            for k in 0..<logP.classCount { result[row, k] = Float(Double(logP[row, k]) / level) }
        }
        return result
    }
}

extension ParticleShard {
    /// σ_i² of every local particle (`ParticleNoiseLevel`) from `logP`, this shard's LogP computed
    /// with σ = 1. Collective.
    public func particleNoiseLevels(logP: ClassTable, communicator: any Communicator) throws -> [Double] {
        try ParticleNoiseLevel.estimate(logP: logP, operatorCount: rows.operatorCount, areas: likelihoodAreas,
                                        groups: whitening.groupOfParticle, groupCount: whitening.groupCount,
                                        active: active, communicator: communicator)
    }
}
