import ArgumentParser
import Foundation
import FoveaCore
import FoveaIO
import FoveaRun
import FoveaSimulate

/// `fovea simulate`: writes the synthetic humanoid of the preprint — component maps, the full map
/// of every state of the chosen scenarios, region masks, a manifest — and, with `--particles`,
/// a particle dataset of one scenario (images, RELION STAR, truth).
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write the humanoid phantom's maps and masks, and with --particles a particle dataset.",
        discussion: """
            The humanoid (docs/humanoid.md): legs, body, neck and head two-fold symmetric about z; \
            per side (A = +x, B = -x) an arm in one of two conformations, a hand and a foot that \
            may be absent. Writes into the output folder:
              component_*.mrc   the 11 component maps (core, 4 arms, 4 hands, 2 feet)
              state_H##_*.mrc   the full map of every state of the chosen scenarios
                                (28 for all three: 4 in scenario 1, 16 in 2,
                                16 in 3, shared ones once)
              mask_*.mrc        binary region masks: arm+hand focus region,
                                leg of side A, near hand, near foot (side A),
                                far foot (side B)
              softmask_*.mrc    the same with a cosine edge
              manifest.json, manifest.tsv   what each file is; the focus sphere
            All maps are mode-2 MRC, pixel size in the header.

            With --particles N (and --scenario 1, 2 or 3) the maps and masks go to <output>/maps/ \
            and the folder gets particles.mrcs + particles.star (RELION 3.1, white protein as \
            RELION's particles), truth.star (the state of every particle and side) and \
            simulation.json. SNR = var(noise-free CTF-modulated image) / var(noise), docs/humanoid.md. \
            It also gets ceiling.star: per particle and side, the accuracy the ideal observer could \
            expect from the focus region (fovea kappa --ceiling; docs/validation.md).

            Real-data imperfections, all off by default (docs/humanoid.md): --contrast-spread, \
            --noise-spread, --noise-colour, --bfactor-spread, --junk-fraction, grouped in micrographs \
            of --micrograph-particles; with any of them (or --normalise) every image is normalised \
            on its background as RELION's extraction does.

            Example:
              fovea simulate --output humanoid
              fovea simulate --box 64 --pixel-size 6.55 --scenario 3 --output humanoid-s3
              fovea simulate --scenario 1 --particles 10000 --snr 0.05 --seed 1 \\
                  --output s1-snr005
            """
    )

    @Option(parsing: .unconditional, help: "Box edge in voxels.")
    var box: Int = 80

    @Option(name: .customLong("pixel-size"), parsing: .unconditional, help: "Pixel size in Å.")
    var pixelSize: Double = 5.24

    @Option(help: "Scenario whose state maps to write: 1, 2, 3, or all (the 28 maps).")
    var scenario: String = "all"

    @Option(name: [.customLong("output"), .customLong("o")], help: "Output folder (created if missing).")
    var output: String

    @Option(name: .customLong("focus-margin"), parsing: .unconditional, help: "Å the focus and leg masks reach beyond the shapes.")
    var focusMargin: Double = 10

    @Option(name: .customLong("roi-margin"), parsing: .unconditional, help: "Å the hand and foot masks reach beyond the shapes.")
    var roiMargin: Double = 5

    @Option(name: .customLong("soft-edge"), parsing: .unconditional, help: "Width in pixels of the soft masks' cosine edge.")
    var softEdge: Double = 3

    @Option(parsing: .unconditional, help: "Number of particles to simulate (needs --scenario 1, 2 or 3).")
    var particles: Int?

    @Option(parsing: .unconditional, help: "Signal-to-noise ratio of the particles (e.g. 0.1, 0.05, 0.025, 0.013, 0.006).")
    var snr: Double = 0.05

    @Option(parsing: .unconditional, help: "Random seed of the particles.")
    var seed: UInt64 = 1

    @Option(name: .customLong("shift-range"), parsing: .unconditional, help: "Largest particle shift in x and y, Å.")
    var shiftRange: Double = 7.86

    @Option(name: .customLong("defocus-min"), parsing: .unconditional, help: "Smallest defocus, Å (underfocus positive).")
    var defocusMin: Double = 8000

    @Option(name: .customLong("defocus-max"), parsing: .unconditional, help: "Largest defocus, Å.")
    var defocusMax: Double = 25000

    @Option(parsing: .unconditional, help: "Envelope B-factor, Å².")
    var bfactor: Double = 50

    @Option(name: .customLong("structural-fraction"), parsing: .unconditional, help: "Fraction of the noise added before the CTF (structural noise).")
    var structuralFraction: Double = 0.5

    @Option(parsing: .unconditional, help: "Astigmatism, Å (defocus U − V, at a random angle per particle).")
    var astigmatism: Double = 300

    @Option(name: .customLong("contrast-spread"), parsing: .unconditional, help: "Real-data imperfection: standard deviation of ln(contrast scale) over particles (0 = off).")
    var contrastSpread: Double = 0

    @Option(name: .customLong("noise-spread"), parsing: .unconditional, help: "Real-data imperfection: standard deviation of ln(noise level) over micrographs (0 = off).")
    var noiseSpread: Double = 0

    @Option(name: .customLong("noise-colour"), parsing: .unconditional, help: "Real-data imperfection: largest B-factor (Å²) of the shot noise's colour filter exp(−b|k|²/4), b uniform per micrograph (0 = white).")
    var noiseColour: Double = 0

    @Option(name: .customLong("bfactor-spread"), parsing: .unconditional, help: "Real-data imperfection: envelope B-factor varies per micrograph in [--bfactor, --bfactor + this], Å² (0 = off).")
    var bfactorSpread: Double = 0

    @Option(name: .customLong("junk-fraction"), parsing: .unconditional, help: "Real-data imperfection: fraction of junk particles, images of noise only (0 = off).")
    var junkFraction: Double = 0

    @Option(name: .customLong("micrograph-particles"), parsing: .unconditional, help: "Consecutive particles per micrograph for the per-micrograph imperfections.")
    var micrographParticles: Int = 100

    @Flag(help: "Normalise every image on its background as RELION's extraction does (automatic with any imperfection).")
    var normalise = false

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        try OptionCheck.evenBox(box, "--box")
        try OptionCheck.pixelSize(pixelSize, "--pixel-size")
        _ = try scenarios()
        let boxEdge = Double(box) * pixelSize
        try OptionCheck.nonNegative(focusMargin, "--focus-margin", maximum: boxEdge, unit: " Å")
        try OptionCheck.nonNegative(roiMargin, "--roi-margin", maximum: boxEdge, unit: " Å")
        try OptionCheck.nonNegative(softEdge, "--soft-edge", maximum: Double(box), unit: " pixels")
        try OptionCheck.positive(snr, "--snr", maximum: 1e6)
        try OptionCheck.nonNegative(shiftRange, "--shift-range", maximum: boxEdge / 2, unit: " Å")
        try OptionCheck.positive(defocusMin, "--defocus-min", maximum: 1e6, unit: " Å")
        try OptionCheck.positive(defocusMax, "--defocus-max", maximum: 1e6, unit: " Å")
        guard defocusMax > defocusMin else {
            throw ValidationError("--defocus-max must be larger than --defocus-min, got \(defocusMax) and \(defocusMin)")
        }
        try OptionCheck.nonNegative(bfactor, "--bfactor", maximum: 10_000, unit: " Å²")
        try OptionCheck.within(structuralFraction, 0...1, "--structural-fraction")
        try OptionCheck.nonNegative(astigmatism, "--astigmatism", maximum: defocusMin, unit: " Å")
        try OptionCheck.nonNegative(contrastSpread, "--contrast-spread", maximum: 3, unit: "")
        try OptionCheck.nonNegative(noiseSpread, "--noise-spread", maximum: 3, unit: "")
        try OptionCheck.nonNegative(noiseColour, "--noise-colour", maximum: 10_000, unit: " Å²")
        try OptionCheck.nonNegative(bfactorSpread, "--bfactor-spread", maximum: 10_000, unit: " Å²")
        try OptionCheck.within(junkFraction, 0...1, "--junk-fraction")
        try OptionCheck.count(micrographParticles, 1...100_000_000, "--micrograph-particles")
        if let particles {
            try OptionCheck.count(particles, 1...100_000_000, "--particles")
            guard Int(scenario) != nil else { throw ValidationError("--particles needs --scenario 1, 2 or 3") }
            try requireDiskSpace(particles: particles)
        }
        let halfBox = Double(box / 2 - 1) * pixelSize
        guard halfBox >= 161 else {
            throw ValidationError("""
                the humanoid spans z = ±136 Å plus a 25 Å soft edge: --box \(box) × --pixel-size \(pixelSize) Å \
                leaves only ±\(Int(halfBox)) Å around the centre; use (box/2 − 1) × pixel ≥ 161 Å \
                (e.g. box 64 at 5.24 Å)
                """)
        }
        try requireMemory()
    }

    /// What this simulation needs at its peak (`SimulationMemory`).
    var memory: SimulationMemory {
        let chosen = Int(scenario).flatMap(HumanoidScenario.init(rawValue:))
        return SimulationMemory(box: box, particles: particles, labels: chosen?.labelCount ?? 4, states: chosen?.maps.count ?? 16,
                                threads: threadOptions.resolvedThreads)
    }

    /// Refuses a simulation whose peak (`memory`, plus what the process holds already) exceeds the
    /// memory this process may use (`MemoryBudget`; unchecked when nothing is known or `FOVEA_MEMORY_CHECK=0`).
    func requireMemory() throws {
        guard let available = MemoryBudget.perRankHere() else { return }
        let needed = memory.peak + (MemoryBudget.residentBytesHere() ?? 0)
        guard needed > available else { return }
        let what = "--box \(box)" + (particles.map { " with --particles \($0)" } ?? "")
        throw ValidationError("\(what) needs \(memory.summary) but about \(Int(available / 1_048_576)) MiB is available "
                              + "(MemAvailable, cgroup, Slurm --mem or FOVEA_MEMORY_LIMIT_MB); use a smaller --box or fewer "
                              + "--particles, or a machine with more memory (FOVEA_MEMORY_CHECK=0 skips this check)")
    }

    /// The particle stack (N² Float32 per particle) must fit on the output's disk.
    func requireDiskSpace(particles: Int) throws {
        let bytes = Double(particles) * Double(box * box) * 4
        var folder = URL(fileURLWithPath: output).standardizedFileURL
        while !FileManager.default.fileExists(atPath: folder.path) && folder.path != "/" { folder.deleteLastPathComponent() }
        let free = (try? FileManager.default.attributesOfFileSystem(forPath: folder.path)[.systemFreeSize] as? NSNumber)?.doubleValue
        if let free, bytes > free {
            throw ValidationError(String(format: "--particles %d of %d² pixels need about %.0f MiB but the disk of %@ has %.0f MiB free",
                                         particles, box, bytes / 1_048_576, folder.path, free / 1_048_576))
        }
    }

    /// The real-data imperfections the options ask for.
    var imperfections: SimulationImperfections {
        var value = SimulationImperfections()
        value.contrastLogSpread = contrastSpread
        value.noiseLogSpread = noiseSpread
        value.noiseColourMax = noiseColour
        value.bFactorSpread = bfactorSpread
        value.junkFraction = junkFraction
        value.particlesPerMicrograph = micrographParticles
        if normalise { value.normalise = true }
        return value
    }

    func scenarios() throws -> [HumanoidScenario] {
        if scenario.lowercased() == "all" { return HumanoidScenario.allCases }
        guard let number = Int(scenario), let chosen = HumanoidScenario(rawValue: number) else {
            throw ValidationError("--scenario must be 1, 2, 3 or all (got '\(scenario)')")
        }
        return [chosen]
    }

    func run() throws {
        // A folder of an earlier simulation may be replaced; any other non-empty folder is refused.
        do {
            try OutputGuard.requireNewEmptyOrOwnFolder(output, marker: particles == nil ? "manifest.json" : "simulation.json")
        } catch let error as OutputError {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(RunExitCode.badInput)
        }
        print("memory: \(memory.summary) at the peak")
        VolumeThreads.count = threadOptions.resolvedThreads
        let mapFolder = particles == nil ? output : output + "/maps"
        try FileManager.default.createDirectory(atPath: mapFolder, withIntermediateDirectories: true)
        let grid = HumanoidGrid(size: box, pixelSize: pixelSize)
        let settings = HumanoidMaskSettings(focusMargin: focusMargin, roiMargin: roiMargin, softEdgeWidth: softEdge)
        let components = HumanoidComponentMaps(grid: grid)
        let manifest = try HumanoidExport.write(to: HumanoidMapWriter(folder: mapFolder), grid: grid,
                                                scenarios: try scenarios(), maskSettings: settings, components: components)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let folder = URL(fileURLWithPath: mapFolder)
        try AtomicFileWriter.write(try encoder.encode(manifest), to: folder.appendingPathComponent("manifest.json").path)
        try AtomicFileWriter.write(Data(manifest.tsv.utf8), to: folder.appendingPathComponent("manifest.tsv").path)
        let counts = Dictionary(grouping: manifest.entries, by: \.kind).mapValues(\.count)
        print("wrote \(counts["component"] ?? 0) component maps, \(counts["state"] ?? 0) state maps, "
              + "\(counts["mask"] ?? 0) masks (+ soft versions) to \(output)")
        let sphere = manifest.armHandSphere
        let fromCorner = sphere.measured(from: .corner, pixelSize: grid.pixelSize, boxSize: grid.size)
        print("arm+hand focus sphere (side A), Å: --sphere \(fromCorner.optionText) --sphere-origin corner, "
              + "or --sphere \(sphere.optionText) --sphere-origin centre")
        if let particles { try writeParticles(count: particles, grid: grid, components: components) }
    }

    func writeParticles(count: Int, grid: HumanoidGrid, components: HumanoidComponentMaps) throws {
        let chosen = try scenarios()
        guard chosen.count == 1, let particleScenario = chosen.first else {
            throw ValidationError("--particles needs --scenario 1, 2 or 3")
        }
        var settings = HumanoidParticleDataset.Settings(scenario: particleScenario, count: count,
                                                        snr: snr, seed: seed)
        settings.grid = grid
        settings.shiftRange = shiftRange
        settings.defocusRange = defocusMin...defocusMax
        settings.bFactor = bfactor
        settings.structuralFraction = structuralFraction
        settings.astigmatism = astigmatism
        settings.imperfections = imperfections
        settings.threads = threadOptions.resolvedThreads
        let start = Date()
        let dataset = HumanoidParticleDataset(settings: settings, maps: components)
        try dataset.write(to: output) { done in
            let elapsed = Date().timeIntervalSince(start)
            let eta = Double(count - done) * elapsed / Double(max(done, 1))
            FileHandle.standardError.write(Data(String(format: "simulate: %d/%d particles, %.0f s, ETA %.0f s\n",
                                                       done, count, elapsed, eta).utf8))
        }
        dataset.releaseProjectors()
        let maskSettings = HumanoidMaskSettings(focusMargin: focusMargin, roiMargin: roiMargin, softEdgeWidth: softEdge)
        let ceiling = IdealObserverCeiling(dataset: dataset, components: components,
                                           focusMask: HumanoidGeometry().softMask(.armHandFocus, on: grid, settings: maskSettings))
        try CeilingTable.write(ceiling, to: output)
        let sides = (0..<count).flatMap { [(particle: $0, side: HumanoidSide.a), (particle: $0, side: HumanoidSide.b)] }
        let ceilingAccuracy = ceiling.accuracy(of: sides)
        let ceilingKappa = IdealObserverCeiling.pooledKappa(accuracy: ceilingAccuracy, states: ceiling.labelCount)
        var record: [String: Any] = [
            "fovea_version": FoveaVersion.string, "command_line": CommandLine.arguments, "scenario": settings.scenario.rawValue,
            "particles": count, "snr": snr, "seed": seed, "box": grid.size, "pixel_size": grid.pixelSize,
            "snr_definition": "var(noise-free CTF-modulated image over the whole box, mean over the dataset) / var(total noise)",
            "signal_variance": dataset.signalVariance, "structural_noise_sigma": dataset.noise.structural,
            "shot_noise_sigma": dataset.noise.shot, "structural_fraction": structuralFraction, "bfactor": bfactor,
            "defocus_range": [defocusMin, defocusMax], "shift_range_angstrom": shiftRange,
            "contrast": "white protein (RELION convention)",
        ]
        if astigmatism != 300 { record["astigmatism"] = astigmatism }
        if imperfections.isActive || normalise {
            record["imperfections"] = ["contrast_log_spread": contrastSpread, "noise_log_spread": noiseSpread,
                                       "noise_colour_bfactor_max": noiseColour, "bfactor_spread": bfactorSpread,
                                       "junk_fraction": junkFraction, "micrograph_particles": micrographParticles,
                                       "normalised_on_background": imperfections.normalises]
        }
        record["ideal_observer"] = ["accuracy": ceilingAccuracy, "kappa": ceilingKappa, "labels_per_side": ceiling.labelCount,
                                    "per_unit": CeilingTable.fileName,
                                    "definition": "expected accuracy of the Bayes-optimal classifier of each side's label from the "
                                        + "true maps under the soft arm+hand focus mask, known view, CTF and noise (docs/validation.md)"]
        try AtomicFileWriter.write(try JSONSerialization.data(withJSONObject: DecimalText.roundedJSON(record),
                                                              options: [.prettyPrinted, .sortedKeys]),
                                   to: output + "/simulation.json")
        print("wrote \(count) particles of scenario \(settings.scenario.rawValue) at SNR \(snr) to \(output)/particles.star "
              + "(+ particles.mrcs, truth.star, simulation.json; maps and masks in \(output)/maps)")
        print(String(format: "ideal-observer ceiling (both sides, focus region): accuracy %.4f, kappa %.4f",
                     ceilingAccuracy, ceilingKappa) + " (\(CeilingTable.fileName))")
    }
}
