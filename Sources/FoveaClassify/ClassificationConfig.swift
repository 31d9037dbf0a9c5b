import FoveaCore

/// The resolved, validated settings of one `fovea classify` run. Immutable: it is built once from
/// the command line (or read back from a checkpoint), saved in `run.json` and every checkpoint, and
/// passed by value to the algorithm. Every initialiser validates (`validate()`), including the
/// decoder, so a `ClassificationConfig` value is always valid.
///
/// Units: lengths in Å, mass in kDa, thresholds as stated per field. Option names used in error
/// messages are those of `Option` (the CLI's long names).
public struct ClassificationConfig: Sendable, Equatable, Codable {
    /// Schema version of this record; bump when a field changes meaning.
    public static let currentFormatVersion = 1

    /// Schema version this value was written with (`currentFormatVersion` for new values).
    public let formatVersion: Int
    /// Number of classes K ≥ 1.
    public let classCount: Int
    /// Maximum number of cycles ≥ 1 (the run may stop earlier, see `convergence`).
    public let cycles: Int
    /// Which focusing method restricts the likelihood (docs/algorithm.md §4.2, §5.3).
    public let focus: FocusMode
    /// Focus sphere (Å); either this or `maskPath` is required when `focus` is not `.none`.
    public let sphere: FocusSphere?
    /// Path of an MRC focus mask, as given on the command line; alternative to `sphere`.
    public let maskPath: String?
    /// Soft edge (Å) of the 2-D likelihood mask; 0 gives cisTEM's hard disc (§5.3).
    public let focusEdge: Double
    /// Outer radius of the particle (Å); the likelihood disc when `focus == .none`.
    public let outerRadius: Double
    /// Classification resolution d_cl (Å): low-pass of the difference image (§5.2).
    public let classificationResolution: Double
    /// Reference band-pass limits (Å): `low` > `high` (§4.1).
    public let referenceBand: ReferenceBand
    /// Molecular mass (kDa), recorded with the run (docs/algorithm.md §6.1).
    public let molecularMass: Double
    /// Pseudo-symmetry used for virtual expansion (§9): "C1" (none), "Cn", "Dn", "T", "O" or "I".
    public let expansionGroup: String
    /// Seed of every random choice (initial occupancies, subsets).
    public let seed: UInt64
    /// Threads per rank ≥ 1.
    public let threads: Int
    /// Write a checkpoint every this many cycles (≥ 1); the last cycle is always written.
    public let checkpointEvery: Int
    /// Early-stopping thresholds.
    public let convergence: ConvergenceCriteria
    /// 3-D masking of the references (used when `focus == .threeD`, §4.2).
    public let referenceMask: ReferenceMaskSettings
    /// Regularisation T > 0 of the class maps (`--regularisation`, RELION's `--tau2_fudge`): the
    /// FSC-estimated SSNR τ² in each cycle's Wiener filter is multiplied by T, so T > 1 keeps more
    /// high-frequency detail (less smoothing), T < 1 smooths more. 1 is the plain FSC filter, and the
    /// value of runs stored before the option existed. Dimensionless.
    public let regularisation: Double
    /// Which particles share a noise spectrum (`NoiseGroupSettings`); configurations written
    /// before noise groups decode as `.single`, the one spectrum those runs used.
    public let noiseGroups: NoiseGroupSettings
    /// Number of random starts M ≥ 1 (`--starts`): M start states from seeds derived from `seed`
    /// (start 1 uses `seed` itself, so M = 1 is the plain run), each run for `startCycles` cycles;
    /// the one with the highest mean LogP continues (`ClassificationStarts`). 1 for runs stored
    /// before the option existed.
    public let starts: Int
    /// Cycles each start runs before the best is chosen (`--start-cycles`, ≥ 1; read only when `starts` > 1).
    public let startCycles: Int

    /// `startCycles` when not given: the mean LogP separates the seeds from about cycle 6
    /// (docs/classify.md, "Seeds and starts").
    public static let defaultStartCycles = 6

    /// Builds and validates a configuration; defaults follow docs/algorithm.md §11.
    public init(classCount: Int,
                cycles: Int,
                focus: FocusMode = .none,
                sphere: FocusSphere? = nil,
                maskPath: String? = nil,
                focusEdge: Double = 0,
                outerRadius: Double,
                classificationResolution: Double,
                referenceBand: ReferenceBand,
                molecularMass: Double,
                expansionGroup: String = "C1",
                seed: UInt64 = 1,
                threads: Int = 1,
                checkpointEvery: Int = 1,
                convergence: ConvergenceCriteria = ConvergenceCriteria(),
                referenceMask: ReferenceMaskSettings = ReferenceMaskSettings(),
                regularisation: Double = 1, noiseGroups: NoiseGroupSettings = .single,
                starts: Int = 1,
                startCycles: Int = ClassificationConfig.defaultStartCycles) throws {
        self.formatVersion = Self.currentFormatVersion
        self.classCount = classCount
        self.cycles = cycles
        self.focus = focus
        self.sphere = sphere
        self.maskPath = maskPath
        self.focusEdge = focusEdge
        self.outerRadius = outerRadius
        self.classificationResolution = classificationResolution
        self.referenceBand = referenceBand
        self.molecularMass = molecularMass
        self.expansionGroup = expansionGroup
        self.seed = seed
        self.threads = threads
        self.checkpointEvery = checkpointEvery
        self.convergence = convergence
        self.referenceMask = referenceMask
        self.regularisation = regularisation
        self.noiseGroups = noiseGroups
        self.starts = starts
        self.startCycles = startCycles
        try validate()
    }

    private enum CodingKeys: String, CodingKey {
        case formatVersion, classCount, cycles, focus, sphere, maskPath, focusEdge, outerRadius
        case classificationResolution, referenceBand, molecularMass, expansionGroup, seed, threads
        case checkpointEvery, convergence, referenceMask, regularisation, noiseGroups, starts, startCycles
    }

    /// Decodes and validates; a stored configuration from a newer schema is refused.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        guard formatVersion <= Self.currentFormatVersion else {
            throw ConfigurationError(option: Option.formatVersion.rawValue,
                                     "stored configuration has format version \(formatVersion); this program reads up to \(Self.currentFormatVersion)")
        }
        classCount = try c.decode(Int.self, forKey: .classCount)
        cycles = try c.decode(Int.self, forKey: .cycles)
        focus = try c.decode(FocusMode.self, forKey: .focus)
        sphere = try c.decodeIfPresent(FocusSphere.self, forKey: .sphere)
        maskPath = try c.decodeIfPresent(String.self, forKey: .maskPath)
        focusEdge = try c.decode(Double.self, forKey: .focusEdge)
        outerRadius = try c.decode(Double.self, forKey: .outerRadius)
        classificationResolution = try c.decode(Double.self, forKey: .classificationResolution)
        referenceBand = try c.decode(ReferenceBand.self, forKey: .referenceBand)
        molecularMass = try c.decode(Double.self, forKey: .molecularMass)
        expansionGroup = try c.decode(String.self, forKey: .expansionGroup)
        seed = try c.decode(UInt64.self, forKey: .seed)
        threads = try c.decode(Int.self, forKey: .threads)
        checkpointEvery = try c.decode(Int.self, forKey: .checkpointEvery)
        convergence = try c.decode(ConvergenceCriteria.self, forKey: .convergence)
        referenceMask = try c.decode(ReferenceMaskSettings.self, forKey: .referenceMask)
        // Runs stored before `regularisation` existed were filtered with the plain FSC SSNR (T = 1).
        regularisation = try c.decodeIfPresent(Double.self, forKey: .regularisation) ?? 1
        noiseGroups = try c.decodeIfPresent(NoiseGroupSettings.self, forKey: .noiseGroups) ?? .single
        // Runs stored before the starts existed had one start.
        starts = try c.decodeIfPresent(Int.self, forKey: .starts) ?? 1
        startCycles = try c.decodeIfPresent(Int.self, forKey: .startCycles) ?? Self.defaultStartCycles
        try validate()
    }

    /// Number of symmetry copies per particle implied by `expansionGroup` (1 for C1).
    public var operatorCount: Int {
        // validate() guarantees the name parses.
        (try? PointGroupSymbol(parsing: expansionGroup).order) ?? 1
    }
}

/// How the likelihood is focused on a region (docs/algorithm.md §4.2, §5.3; the preprint).
public enum FocusMode: String, Sendable, Codable, CaseIterable {
    /// Global classification: the likelihood disc is the outer radius.
    case none
    /// 2-D masking: the focus region projected along each view is the likelihood region.
    case twoD = "2d"
    /// 3-D masking: references are masked in 3-D before projection.
    case threeD = "3d"
    /// Signal subtraction: the projection of the density outside the region is subtracted.
    case subtract
}

/// Reference band-pass limits in Å; `low` is the coarser limit (larger number).
public struct ReferenceBand: Sendable, Equatable, Codable {
    public let low: Double
    public let high: Double
    public init(low: Double, high: Double) { self.low = low; self.high = high }
}

/// When a run may stop before `cycles`: after at least `minimumCycles` cycles, when the summed
/// change of the class-average occupancies is below `classAverageChange` (in %, as cisTEM's
/// Auto-refine, §7.5) AND the fraction of rows whose best class changed is below `changedFraction`.
public struct ConvergenceCriteria: Sendable, Equatable, Codable {
    /// Σ_k |⟨OCC_k⟩_new − ⟨OCC_k⟩_old| in percentage points.
    public let classAverageChange: Double
    /// Fraction (0…1) of rows whose argmax class changed.
    public let changedFraction: Double
    /// Never stop early before this many cycles.
    public let minimumCycles: Int

    public init(classAverageChange: Double = 1.0, changedFraction: Double = 0.005, minimumCycles: Int = 3) {
        self.classAverageChange = classAverageChange
        self.changedFraction = changedFraction
        self.minimumCycles = minimumCycles
    }
}
