import ArgumentParser
import FoveaClassify

/// The method's options of `fovea classify` (docs/classify.md gives each one's meaning and
/// formula). Names match `ClassificationConfig.Option`, which error messages use.
struct ClassificationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Number of classes K.", valueName: "K"))
    var classes: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Cycle limit (default 20; may change on --continue).", valueName: "n"))
    var cycles: Int?

    @Option(help: ArgumentHelp("Focus mode: none, 2d, 3d or subtract.", valueName: "mode"))
    var focus: String = "none"

    @Option(parsing: .unconditional, help: ArgumentHelp("Focus sphere x,y,z,r in Å (give --sphere-origin).", valueName: "x,y,z,r"))
    var sphere: String?

    @Option(name: .customLong("sphere-origin"),
            help: ArgumentHelp("Where --sphere's x,y,z are measured from: corner (voxel 0, cisTEM/Frealign) or centre (map centre, voxel N/2).",
                               valueName: "corner|centre"))
    var sphereOrigin: String?

    @Option(help: ArgumentHelp("Focus region as a 3-D mask (MRC, same box and pixel as the particles).", valueName: "mrc"))
    var mask: String?

    @Option(name: .customLong("focus-edge"), parsing: .unconditional, help: ArgumentHelp("Soft edge of the projected 2-D mask, Å (0 = hard, as cisTEM).", valueName: "Å"))
    var focusEdge: Double = 0

    @Option(name: .customLong("outer-radius"), parsing: .unconditional, help: ArgumentHelp("Particle radius for the comparison and the background, Å.", valueName: "Å"))
    var outerRadius: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Classification resolution: finest detail compared, Å (e.g. 8–20).", valueName: "Å"))
    var resolution: Double?

    @Option(name: .customLong("reference-low"), parsing: .unconditional, help: ArgumentHelp("Coarsest detail used from the references, Å.", valueName: "Å"))
    var referenceLow: Double = 300

    @Option(name: .customLong("reference-high"), parsing: .unconditional, help: ArgumentHelp("Finest detail used from the references, Å (default: --resolution).", valueName: "Å"))
    var referenceHigh: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Molecular mass, kDa (recorded with the run; the filter comes from the FSC).", valueName: "kDa"))
    var mass: Double = 1000

    @Option(help: ArgumentHelp("Pseudo-symmetry expansion: classify every copy under this point group (C1 = none).", valueName: "group"))
    var expand: String = "C1"

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the random start.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: ArgumentHelp("Write checkpoint.h5 every n cycles (default 5; may change on --continue).", valueName: "n"))
    var checkpointEvery: Int?

    @Option(name: .customLong("stop-class-change"), parsing: .unconditional, help: ArgumentHelp("Converged when the class fractions move less than this many percentage points …", valueName: "pp"))
    var stopClassChange: Double = 0.1

    @Option(name: .customLong("stop-changed-fraction"), parsing: .unconditional, help: ArgumentHelp("… and fewer than this fraction of particles change class.", valueName: "fraction"))
    var stopChangedFraction: Double = 0.002

    @Option(name: .customLong("min-cycles"), parsing: .unconditional, help: ArgumentHelp("Never stop for convergence before this cycle.", valueName: "n"))
    var minCycles: Int = 5

    @Option(name: .customLong("mask-edge"), parsing: .unconditional, help: ArgumentHelp("3d/subtract: soft edge of the 3-D mask, Å.", valueName: "Å"))
    var maskEdge: Double = 10

    @Option(name: .customLong("mask-outside-weight"), parsing: .unconditional, help: ArgumentHelp("3d: weight of the density kept outside the mask (0–1).", valueName: "w"))
    var maskOutsideWeight: Double = 0

    @Option(name: .customLong("mask-lowpass"), parsing: .unconditional, help: ArgumentHelp("3d: low-pass of the density kept outside the mask, Å.", valueName: "Å"))
    var maskLowpass: Double?

    /// Ranges the configuration does not bound, and focus regions that the focus mode would ignore.
    func validate() throws {
        if let classes { try OptionCheck.count(classes, 1...1000, "--classes") }
        if let cycles { try OptionCheck.count(cycles, 1...100_000, "--cycles") }
        if let checkpointEvery { try OptionCheck.count(checkpointEvery, 1...100_000, "--checkpoint-every") }
        try OptionCheck.count(minCycles, 1...100_000, "--min-cycles")
        if let resolution, referenceHigh == nil, resolution >= referenceLow {
            throw ValidationError("--resolution \(resolution) Å must be finer (smaller) than --reference-low \(referenceLow) Å, "
                                  + "the coarsest detail used from the references")
        }
        if let referenceHigh, referenceHigh >= referenceLow {
            throw ValidationError("--reference-high \(referenceHigh) Å must be finer (smaller) than --reference-low \(referenceLow) Å")
        }
        if FocusMode(rawValue: focus.lowercased()) == FocusMode.none {
            for (option, given) in [("--sphere", sphere != nil), ("--mask", mask != nil)] where given {
                throw ValidationError("\(option) is only used with --focus 2d, 3d or subtract; with --focus none "
                                      + "(the default) the whole particle is compared: add --focus 2d or drop \(option)")
            }
        }
        if sphereOrigin != nil && sphere == nil { throw ValidationError("--sphere-origin is only used with --sphere") }
    }

    /// The options that `--continue` accepts; the rest must keep their defaults.
    func requireOnlyContinuableOptions() throws {
        let given: [(String, Bool)] = [
            ("--classes", classes != nil), ("--focus", focus != "none"), ("--sphere", sphere != nil), ("--mask", mask != nil),
            ("--outer-radius", outerRadius != nil), ("--resolution", resolution != nil), ("--expand", expand != "C1"),
            ("--seed", seed != 1), ("--reference-high", referenceHigh != nil),
        ]
        if let (name, _) = given.first(where: { $0.1 }) {
            throw ValidationError("\(name) may not change when continuing a run (only --cycles, --threads and --checkpoint-every may)")
        }
    }

    /// The resolved configuration of a new run.
    func configuration(threads: Int) throws -> ClassificationConfig {
        guard let classes else { throw ValidationError("give --classes K (the number of classes)") }
        guard let resolution else {
            throw ValidationError("give --resolution (Å): the finest detail compared, e.g. 2–4× the pixel size; 8–20 Å is typical")
        }
        guard let outerRadius else { throw ValidationError("give --outer-radius (Å): the particle's radius plus a margin") }
        guard let mode = FocusMode(rawValue: focus.lowercased()) else {
            throw ValidationError("--focus must be none, 2d, 3d or subtract (got '\(focus)')")
        }
        var focusSphere: FocusSphere?
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
        }
        return try ClassificationConfig(
            classCount: classes, cycles: cycles ?? 20, focus: mode, sphere: focusSphere, maskPath: mask,
            focusEdge: focusEdge, outerRadius: outerRadius, classificationResolution: resolution,
            referenceBand: ReferenceBand(low: referenceLow, high: referenceHigh ?? resolution), molecularMass: mass,
            expansionGroup: expand, seed: seed, threads: threads, checkpointEvery: checkpointEvery ?? 5,
            convergence: ConvergenceCriteria(classAverageChange: stopClassChange, changedFraction: stopChangedFraction,
                                             minimumCycles: minCycles),
            referenceMask: ReferenceMaskSettings(edge: maskEdge, outsideWeight: maskOutsideWeight, outsideLowPass: maskLowpass))
    }
}
