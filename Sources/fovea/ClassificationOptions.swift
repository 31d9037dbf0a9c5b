import ArgumentParser
import FoveaClassify
import FoveaCore

/// The method's options of `fovea classify` (docs/classify.md gives each one's meaning and
/// formula). Names match `ClassificationConfig.Option`, which error messages use.
struct ClassificationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Number of classes K.", valueName: "K"))
    var classes: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Cycle limit (default 20; may change on --continue).", valueName: "n"))
    var cycles: Int?

    @Option(help: ArgumentHelp("Focus mode: none, 2d, 3d or subtract (default none).", valueName: "mode"))
    var focus: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Focus sphere x,y,z,r in Å (give --sphere-origin).", valueName: "x,y,z,r"))
    var sphere: String?

    @Option(name: .customLong("sphere-origin"),
            help: ArgumentHelp("Where --sphere's x,y,z are measured from: corner (voxel 0, cisTEM/Frealign) or centre (map centre, voxel N/2).",
                               valueName: "corner|centre"))
    var sphereOrigin: String?

    @Option(help: ArgumentHelp("Focus region as a 3-D mask (MRC, same box and pixel as the particles).", valueName: "mrc"))
    var mask: String?

    @Option(name: .customLong("focus-edge"), parsing: .unconditional, help: ArgumentHelp("Soft edge of the projected 2-D mask, Å (default 0 = hard, as cisTEM).", valueName: "Å"))
    var focusEdge: Double?

    @Option(name: .customLong("outer-radius"), parsing: .unconditional, help: ArgumentHelp("Particle radius for the comparison and the background, Å.", valueName: "Å"))
    var outerRadius: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Classification resolution: finest detail compared, Å (e.g. 8–20).", valueName: "Å"))
    var resolution: Double?

    @Option(name: .customLong("reference-low"), parsing: .unconditional, help: ArgumentHelp("Coarsest detail used from the references, Å (default 300).", valueName: "Å"))
    var referenceLow: Double?

    @Option(name: .customLong("reference-high"), parsing: .unconditional, help: ArgumentHelp("Finest detail used from the references, Å (default: --resolution).", valueName: "Å"))
    var referenceHigh: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Molecular mass, kDa (default 1000; recorded with the run; the filter comes from the FSC).", valueName: "kDa"))
    var mass: Double?

    @Option(help: ArgumentHelp("Pseudo-symmetry expansion: classify every copy under this point group (default C1 = none).", valueName: "group"))
    var expand: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the random start (default 1).", valueName: "n"))
    var seed: UInt64?

    @Option(parsing: .unconditional, help: ArgumentHelp("Random starts: run this many starts (seeds derived from --seed; start 1 is --seed itself) for --start-cycles cycles each and continue the one with the highest mean LogP (default 1; fixed for the run).", valueName: "M"))
    var starts: Int?

    @Option(name: .customLong("start-cycles"), parsing: .unconditional, help: ArgumentHelp("Cycles each of the --starts runs before the best is chosen (default 6; at most --cycles).", valueName: "C"))
    var startCycles: Int?

    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: ArgumentHelp("Write checkpoint.h5 every n cycles (default 5; may change on --continue).", valueName: "n"))
    var checkpointEvery: Int?

    @Option(name: .customLong("stop-class-change"), parsing: .unconditional, help: ArgumentHelp("Converged when the class fractions move less than this many percentage points (default 0.1) …", valueName: "pp"))
    var stopClassChange: Double?

    @Option(name: .customLong("stop-changed-fraction"), parsing: .unconditional, help: ArgumentHelp("… and fewer than this fraction of particles change class (default 0.002).", valueName: "fraction"))
    var stopChangedFraction: Double?

    @Option(name: .customLong("min-cycles"), parsing: .unconditional, help: ArgumentHelp("Never stop for convergence before this cycle (default 5).", valueName: "n"))
    var minCycles: Int?

    @Option(name: .customLong("mask-edge"), parsing: .unconditional, help: ArgumentHelp("3d/subtract: soft edge of the 3-D mask, Å (default 10).", valueName: "Å"))
    var maskEdge: Double?

    @Option(name: .customLong("mask-outside-weight"), parsing: .unconditional, help: ArgumentHelp("3d: weight of the density kept outside the mask (0–1; default 1 with --mask-outside consensus, 0.25 with own; chosen by benchmarks/mask3d/sweep.sh).", valueName: "w"))
    var maskOutsideWeight: Double?

    /// `--mask-outside-weight` when not given, by outside source, from the measured sweep
    /// (benchmarks/mask3d/sweep.sh; docs/validation.md "3-D masking and 2-D masking"). With each
    /// class's own outside, 0.25 has the best worst case (0.913 / 0.750 / 0.737 on scenario 1,
    /// scenario 3 and scenario 1 with real-data imperfections; 0.5 collapses to 0.080 on the last).
    /// With the consensus outside the whole of it belongs in the model: 1 gives 0.956 / 0.956 / 0.830,
    /// 0.25 only 0.920 / 0.311 / 0.756.
    static func defaultOutsideWeight(for source: OutsideDensitySource) -> Double {
        switch source {
        case .own: return 0.25
        case .consensus: return 1
        }
    }

    @Option(name: .customLong("mask-lowpass"), parsing: .unconditional, help: ArgumentHelp("3d: low-pass of the density kept outside the mask, Å.", valueName: "Å"))
    var maskLowpass: Double?

    @Option(name: .customLong("mask-outside"), help: ArgumentHelp("3d: whose density fills the outside of each class reference: consensus (the occupancy-weighted mean map, so classes differ only inside the mask; default) or own (each class its own, as cisTEM).", valueName: "source"))
    var maskOutside: OutsideDensitySource?

    /// `--mask-outside` when not given: consensus, better than own in every case of the measured
    /// sweep (docs/validation.md "3-D masking and 2-D masking"; worst case 0.830 against 0.737).
    static let defaultOutsideSource = OutsideDensitySource.consensus

    @Option(name: [.customLong("regularisation"), .customLong("tau2-fudge")], parsing: .unconditional,
            help: ArgumentHelp("Factor T on the signal-to-noise ratio in each cycle's class-map filter (RELION's --tau2_fudge): above 1 keeps more fine detail, below 1 smooths more (default 4; fixed for the run).", valueName: "T"))
    var regularisation: Double?

    /// `--regularisation` when not given, from the measured sweep (benchmarks/seeds/run.sh; docs/classify.md,
    /// "Regularisation T"): T = 4 was at least as good as T = 1 in every cell (scenarios 1 and 3, SNR
    /// 0.025 and 0.1, 2d and 3d) and better with 2-D masking by 0.003–0.007 (scenario 1, SNR 0.025) and 0.008–0.020 (scenario 3,
    /// SNR 0.1), four seeds each; T = 0.25 was worse wherever T mattered, T = 16 no better than 4.
    static let defaultRegularisation = 4.0

    @Option(name: .customLong("noise-groups"), help: ArgumentHelp("Which particles share one noise spectrum (whitening filter): micrograph (rlnMicrographName, small micrographs pooled; default), optics (rlnOpticsGroup) or none (one spectrum for all).", valueName: "micrograph|optics|none"))
    var noiseGroups: NoiseGroupMode?

    @Option(name: .customLong("noise-group-min"), parsing: .unconditional, help: ArgumentHelp("Fewest particles in one noise group; smaller micrographs or optics groups are pooled with their neighbours in name order (default 100).", valueName: "n"))
    var noiseGroupMin: Int?

    @Option(name: .customLong("group-scale"), help: ArgumentHelp("Give each noise group its own signal scale, estimated from its images' signal power (on, default), or not (off).", valueName: "on|off"))
    var groupScale: GroupScaleMode?

    @Option(name: .customLong("particle-scale"), help: ArgumentHelp("Give each particle its own signal scale, estimated from its image's signal power and shrunk toward its noise group's by its precision (on), or not (off, default).", valueName: "on|off"))
    var particleScale: ParticleScaleMode?

    @Option(name: .customLong("particle-noise"), help: ArgumentHelp("Give each particle its own noise level, from its residual against the classes in the likelihood region, shrunk toward its noise group's by its precision: likelihood (its LogP divided by it), weighted (and its reconstruction weight too; the default), or off.", valueName: "off|likelihood|weighted"))
    var particleNoise: ParticleNoiseMode?

    @Option(name: .customLong("whitening"), help: ArgumentHelp("How the noise filter normalises the background power: pixel (white noise per Fourier pixel, as the likelihood assumes; default) or shell (equal noise power per shell, the filter of runs before this option).", valueName: "pixel|shell"))
    var whitening: WhiteningNorm?

    /// `--whitening` when not given, from benchmarks/imperfections/run.sh (benchmarks/RESULTS.md
    /// "Per-pixel whitening"): pixel lifts every measured cell, e.g. scenario 1 SNR 0.025 2d on white
    /// noise 0.925 → 0.959, with imperfections 0.802 → 0.853, scenario 3 SNR 0.1 white 0.917 → 0.974.
    static let defaultWhitening = WhiteningNorm.pixel

    /// `--noise-groups` and `--group-scale` when not given, from benchmarks/imperfections/run.sh
    /// (docs/classify.md "Noise model"): with real-data imperfections micrograph groups with their
    /// scale lift 2d from 0.633 to 0.802 (scenario 1, SNR 0.025), 0.685 to 0.950 (SNR 0.1) and 0.302 to
    /// 0.523 (scenario 3, SNR 0.1); on white noise they change nothing (0.917 / 0.919 on scenario 3).
    static let defaultNoiseGroups = NoiseGroupMode.micrograph
    static let defaultGroupScale = GroupScaleMode.on

    /// `--particle-scale` when not given (benchmarks/RESULTS.md "Per-particle intensity scale"): on lifts
    /// scenario 3 with imperfections (2d 0.642 → 0.863) but costs white noise 0.007 (2d) and 0.012 (3d).
    static let defaultParticleScale = ParticleScaleMode.off

    /// `--particle-noise` when not given (benchmarks/RESULTS.md "Per-particle noise level" and "Independent
    /// RELION-projected humanoid set"): weighted changes white noise by −0.001 … +0.001 (9 cells of Fovea's
    /// simulator) and 0.000 (12 cells of the RELION-projected set), and lifts scenario 3 with imperfections
    /// (2d 0.642 → 0.735, 0.502 → 0.672) and junk (0.634 → 0.763): on by default (the ≤ 0.005 white-noise rule).
    static let defaultParticleNoise = ParticleNoiseMode.weighted

    /// Ranges the configuration does not bound, and focus regions that the focus mode would ignore.
    func validate() throws {
        if let classes { try OptionCheck.count(classes, 1...1000, "--classes") }
        if let cycles { try OptionCheck.count(cycles, 1...100_000, "--cycles") }
        if let checkpointEvery { try OptionCheck.count(checkpointEvery, 1...100_000, "--checkpoint-every") }
        if let minCycles { try OptionCheck.count(minCycles, 1...100_000, "--min-cycles") }
        if let starts { try OptionCheck.count(starts, 1...100, "--starts") }
        if let startCycles { try OptionCheck.count(startCycles, 1...100_000, "--start-cycles") }
        if let regularisation {
            try OptionCheck.within(regularisation, ClassificationConfig.regularisationRange, "--regularisation (--tau2-fudge)")
        }
        if let noiseGroupMin { try OptionCheck.count(noiseGroupMin, 1...100_000_000, "--noise-group-min") }
        let low = referenceLow ?? 300
        if let resolution, referenceHigh == nil, resolution >= low {
            throw ValidationError("--resolution \(resolution) Å must be finer (smaller) than --reference-low \(low) Å, "
                                  + "the coarsest detail used from the references")
        }
        if let referenceHigh, referenceHigh >= low {
            throw ValidationError("--reference-high \(referenceHigh) Å must be finer (smaller) than --reference-low \(low) Å")
        }
    }

    /// The configuration of a continued run whose stored configuration is `stored`: every option
    /// given on the command line replaces the stored value, the rest keep it. Throws naming every
    /// given option that may not change (`ClassificationConfig.checkContinuation`, the one owner of
    /// that rule, compares all options, so an option added later cannot be forgotten here).
    func configuration(continuing stored: ClassificationConfig, threads: Int) throws -> ClassificationConfig {
        let requested = try configuration(threads: threads, base: stored)
        if sphere == nil, sphereOrigin != nil, stored.sphere == nil || requested.sphere != stored.sphere {
            throw ConfigurationError(option: "sphere-origin", "may not change when continuing a run (the sphere is measured "
                                     + "from \(stored.sphere.map { $0.origin.rawValue } ?? "nowhere"))")
        }
        try stored.checkContinuation(with: requested)
        return requested
    }

    /// The resolved configuration of a new run. An option the chosen focus mode would ignore is
    /// refused (a continued run needs no such check: `checkContinuation` refuses any change).
    func configuration(threads: Int) throws -> ClassificationConfig {
        let config = try configuration(threads: threads, base: nil)
        try refuseOptionsIgnored(by: config.focus)
        if config.starts > 1 && config.startCycles > config.cycles {
            throw ValidationError("--start-cycles \(config.startCycles) is more than --cycles \(config.cycles): each start would "
                                  + "run past the run's end; give fewer --start-cycles or more --cycles")
        }
        if config.starts == 1, startCycles != nil {
            throw ValidationError("--start-cycles is only used with --starts 2 or more; drop it or add --starts")
        }
        return config
    }

    /// Options that only one focus mode reads, given with another: `--focus-edge` (the projected
    /// 2-D mask) only for 2d; `--mask-edge` for 3d and subtract; the outside density
    /// (`--mask-outside`, `--mask-outside-weight`, `--mask-lowpass`) only for 3d.
    func refuseOptionsIgnored(by focus: FocusMode) throws {
        let given: [(option: String, isGiven: Bool, readBy: [FocusMode])] = [
            ("--focus-edge", focusEdge != nil, [.twoD]),
            ("--mask-edge", maskEdge != nil, [.threeD, .subtract]),
            ("--mask-outside", maskOutside != nil, [.threeD]),
            ("--mask-outside-weight", maskOutsideWeight != nil, [.threeD]),
            ("--mask-lowpass", maskLowpass != nil, [.threeD]),
        ]
        for entry in given where entry.isGiven && !entry.readBy.contains(focus) {
            let modes = entry.readBy.map(\.rawValue).joined(separator: " or ")
            throw ValidationError("\(entry.option) is only used with --focus \(modes); this run has --focus \(focus.rawValue), "
                                  + "which would ignore it: drop \(entry.option) or choose --focus \(modes)")
        }
    }

    /// Every option from the command line, else from `base` (a continued run's stored
    /// configuration), else its default.
    private func configuration(threads: Int, base: ClassificationConfig?) throws -> ClassificationConfig {
        guard let classes = classes ?? base?.classCount else { throw ValidationError("give --classes K (the number of classes)") }
        guard let resolution = resolution ?? base?.classificationResolution else {
            throw ValidationError("give --resolution (Å): the finest detail compared, e.g. 2–4× the pixel size; 8–20 Å is typical")
        }
        guard let outerRadius = outerRadius ?? base?.outerRadius else {
            throw ValidationError("give --outer-radius (Å): the particle's radius plus a margin")
        }
        var mode = base?.focus ?? FocusMode.none
        if let focus {
            guard let given = FocusMode(rawValue: focus.lowercased()) else {
                throw ValidationError("--focus must be none, 2d, 3d or subtract (got '\(focus)')")
            }
            mode = given
        }
        if mode == .none {
            for (option, given) in [("--sphere", sphere != nil), ("--mask", mask != nil)] where given {
                throw ValidationError("\(option) is only used with --focus 2d, 3d or subtract; with --focus none "
                                      + "(the default) the whole particle is compared: add --focus 2d or drop \(option)")
            }
        }
        var focusSphere = base?.sphere
        if let sphere {
            let texts = sphere.split(separator: ",", omittingEmptySubsequences: false)
            let parts = texts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 4, texts.count == 4 else {
                throw ValidationError("--sphere must be four numbers x,y,z,r in Å (got '\(sphere)')")
            }
            guard let originText = sphereOrigin, let origin = CoordinateOrigin(rawValue: originText.lowercased()) else {
                throw ValidationError("say where --sphere's x,y,z are measured from: --sphere-origin corner (voxel 0, "
                                      + "as cisTEM and Frealign) or --sphere-origin centre (the map centre)")
            }
            focusSphere = FocusSphere(x: parts[0], y: parts[1], z: parts[2], radius: parts[3], origin: origin)
        } else if let sphereOrigin, let stored = focusSphere {
            // Only the origin given on --continue: the stored sphere measured from it (refused when it differs).
            guard let origin = CoordinateOrigin(rawValue: sphereOrigin.lowercased()) else {
                throw ValidationError("--sphere-origin must be corner or centre (got '\(sphereOrigin)')")
            }
            focusSphere = FocusSphere(x: stored.x, y: stored.y, z: stored.z, radius: stored.radius, origin: origin)
        }
        let convergence = ConvergenceCriteria(
            classAverageChange: stopClassChange ?? base?.convergence.classAverageChange ?? 0.1,
            changedFraction: stopChangedFraction ?? base?.convergence.changedFraction ?? 0.002,
            minimumCycles: minCycles ?? base?.convergence.minimumCycles ?? 5)
        let outsideSource = maskOutside ?? base?.referenceMask.outsideSource ?? Self.defaultOutsideSource
        let referenceMask = ReferenceMaskSettings(
            edge: maskEdge ?? base?.referenceMask.edge ?? 10,
            outsideWeight: maskOutsideWeight ?? base?.referenceMask.outsideWeight
                ?? Self.defaultOutsideWeight(for: outsideSource),
            outsideLowPass: maskLowpass ?? base?.referenceMask.outsideLowPass,
            outsideSource: outsideSource)
        let noiseModel = NoiseGroupSettings(
            mode: noiseGroups ?? base?.noiseGroups.mode ?? Self.defaultNoiseGroups,
            minimumParticles: noiseGroupMin ?? base?.noiseGroups.minimumParticles ?? NoiseGroupSettings.defaultMinimumParticles,
            scale: groupScale ?? base?.noiseGroups.scale ?? Self.defaultGroupScale,
            whitening: whitening ?? base?.noiseGroups.whitening ?? Self.defaultWhitening,
            particleScale: particleScale ?? base?.noiseGroups.particleScale ?? Self.defaultParticleScale,
            particleNoise: particleNoise ?? base?.noiseGroups.particleNoise ?? Self.defaultParticleNoise)
        return try ClassificationConfig(
            classCount: classes, cycles: cycles ?? base?.cycles ?? 20, focus: mode, sphere: focusSphere,
            maskPath: mask ?? base?.maskPath, focusEdge: focusEdge ?? base?.focusEdge ?? 0, outerRadius: outerRadius,
            classificationResolution: resolution,
            referenceBand: ReferenceBand(low: referenceLow ?? base?.referenceBand.low ?? 300,
                                         high: referenceHigh ?? base?.referenceBand.high ?? resolution),
            molecularMass: mass ?? base?.molecularMass ?? 1000, expansionGroup: expand ?? base?.expansionGroup ?? "C1",
            seed: seed ?? base?.seed ?? 1, threads: threads, checkpointEvery: checkpointEvery ?? base?.checkpointEvery ?? 5,
            convergence: convergence, referenceMask: referenceMask,
            regularisation: regularisation ?? base?.regularisation ?? Self.defaultRegularisation,
            noiseGroups: noiseModel,
            starts: starts ?? base?.starts ?? 1,
            startCycles: startCycles ?? base?.startCycles ?? ClassificationConfig.defaultStartCycles)
    }
}

extension OutsideDensitySource: ExpressibleByArgument {}
extension NoiseGroupMode: ExpressibleByArgument {}
extension GroupScaleMode: ExpressibleByArgument {}
extension ParticleScaleMode: ExpressibleByArgument {}
extension ParticleNoiseMode: ExpressibleByArgument {}
extension WhiteningNorm: ExpressibleByArgument {}
