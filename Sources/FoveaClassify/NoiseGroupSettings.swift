/// Which particles share one noise spectrum (whitening filter) in the likelihood
/// (docs/algorithm.md "Noise groups").
public enum NoiseGroupMode: String, Sendable, Codable, CaseIterable {
    /// One spectrum from every particle (the only model of runs written before noise groups).
    case none
    /// One spectrum per micrograph (`rlnMicrographName`), micrographs with fewer particles pooled
    /// with their neighbours in name order until each group holds at least the minimum.
    case micrograph
    /// One spectrum per optics group (`rlnOpticsGroup`), pooled the same way.
    case optics
}

/// How a noise group's filter normalises its background power P(s) (docs/algorithm.md §3).
public enum WhiteningNorm: String, Sendable, Codable, CaseIterable {
    /// W = 1/√P with P the shell's summed power: every shell carries the same noise power, a pixel
    /// 1/n_s of it (the filter of every run before the option existed).
    case shell
    /// W = 1/√(P/n_s), n_s the shell's pixels: the noise is white per pixel, as the likelihood's
    /// unit σ per pixel assumes.
    case pixel
}

/// Whether each noise group gets its own intensity scale (`GroupSignalScale`).
public enum GroupScaleMode: String, Sendable, Codable, CaseIterable {
    case on, off
}

/// The noise-group model of a run: the mode, the smallest group it accepts and the group scale.
public struct NoiseGroupSettings: Sendable, Equatable, Codable {
    /// How particles are grouped.
    public let mode: NoiseGroupMode
    /// Fewest particles in one group (≥ 1): smaller micrographs or optics groups are pooled.
    public let minimumParticles: Int
    /// Whether each group's signal gets its own intensity scale (settings stored before the
    /// scale existed decode as `.off`).
    public let scale: GroupScaleMode
    /// How the filters normalise the background power (settings stored before the option existed
    /// decode as `.shell`).
    public let whitening: WhiteningNorm
    /// Whether each particle's signal gets its own intensity scale, shrunk toward its group's
    /// (`ParticleSignalScale`; settings stored before the option existed decode as `.off`).
    public let particleScale: ParticleScaleMode
    /// Whether each particle gets its own noise level in the likelihood (and weight), relative to
    /// its group's (`ParticleNoiseLevel`; settings stored before the option existed decode as `.off`).
    public let particleNoise: ParticleNoiseMode

    /// The command line's default group size.
    public static let defaultMinimumParticles = 100

    public init(mode: NoiseGroupMode = .none, minimumParticles: Int = NoiseGroupSettings.defaultMinimumParticles,
                scale: GroupScaleMode = .off, whitening: WhiteningNorm = .shell, particleScale: ParticleScaleMode = .off,
                particleNoise: ParticleNoiseMode = .off) {
        self.mode = mode
        self.minimumParticles = minimumParticles
        self.scale = scale
        self.whitening = whitening
        self.particleScale = particleScale
        self.particleNoise = particleNoise
    }

    private enum CodingKeys: String, CodingKey { case mode, minimumParticles, scale, whitening, particleScale, particleNoise }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decode(NoiseGroupMode.self, forKey: .mode)
        minimumParticles = try c.decode(Int.self, forKey: .minimumParticles)
        scale = try c.decodeIfPresent(GroupScaleMode.self, forKey: .scale) ?? .off
        whitening = try c.decodeIfPresent(WhiteningNorm.self, forKey: .whitening) ?? .shell
        particleScale = try c.decodeIfPresent(ParticleScaleMode.self, forKey: .particleScale) ?? .off
        particleNoise = try c.decodeIfPresent(ParticleNoiseMode.self, forKey: .particleNoise) ?? .off
    }

    /// One spectrum for the whole dataset: how every run before noise groups was computed, and
    /// how a stored configuration without the field is read.
    public static let single = NoiseGroupSettings(mode: .none)
}
