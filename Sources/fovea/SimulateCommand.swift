import ArgumentParser
import Foundation
import FoveaCore
import FoveaIO
import FoveaSimulate

/// `fovea simulate`: writes the synthetic humanoid of the preprint — component maps, the full map
/// of every state of the chosen scenarios, region masks — and a manifest. Particles come later.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write the humanoid phantom's component maps, state maps and region masks.",
        discussion: """
            The humanoid (docs/humanoid.md): legs, body, neck and head two-fold symmetric about z;
            per side (A = +x, B = -x) an arm in one of two conformations, a hand and a foot that
            may be absent. Writes into the output folder:
              component_*.mrc   the 11 component maps (core, 4 arms, 4 hands, 2 feet)
              state_H##_*.mrc   the full map of every state of the chosen scenarios
                                (28 for all three: 4 in scenario 1, 16 in 2, 16 in 3, shared ones once)
              mask_*.mrc        binary region masks: arm+hand focus region and leg of side A,
                                near hand, near foot (side A), far foot (side B)
              softmask_*.mrc    the same with a cosine edge
              manifest.json, manifest.tsv   what each file is; the focus sphere
            All maps are mode-2 MRC, pixel size in the header.

            Example:
              fovea simulate --output humanoid
              fovea simulate --box 64 --pixel-size 6.55 --scenario 3 --output humanoid-s3
            """
    )

    @Option(help: "Box edge in voxels.")
    var box: Int = 80

    @Option(name: .customLong("pixel-size"), help: "Pixel size in Å.")
    var pixelSize: Double = 5.24

    @Option(help: "Scenario whose state maps to write: 1, 2, 3, or all (the 28 maps).")
    var scenario: String = "all"

    @Option(help: "Output folder (created if missing).")
    var output: String

    @Option(name: .customLong("focus-margin"), help: "Å the focus and leg masks reach beyond the shapes.")
    var focusMargin: Double = 10

    @Option(name: .customLong("roi-margin"), help: "Å the hand and foot masks reach beyond the shapes.")
    var roiMargin: Double = 5

    @Option(name: .customLong("soft-edge"), help: "Width in pixels of the soft masks' cosine edge.")
    var softEdge: Double = 3

    func validate() throws {
        guard box >= 8 else { throw ValidationError("--box must be at least 8 voxels (got \(box))") }
        guard pixelSize > 0 else { throw ValidationError("--pixel-size must be positive (got \(pixelSize))") }
        _ = try scenarios()
        guard focusMargin >= 0, roiMargin >= 0, softEdge >= 0 else {
            throw ValidationError("--focus-margin, --roi-margin and --soft-edge must not be negative")
        }
        let halfBox = Double(box / 2 - 1) * pixelSize
        guard halfBox >= 161 else {
            throw ValidationError("""
                the humanoid spans z = ±136 Å plus a 25 Å soft edge: box \(box) × pixel \(pixelSize) Å \
                leaves only ±\(Int(halfBox)) Å around the centre; use (box/2 − 1) × pixel ≥ 161 Å \
                (e.g. box 64 at 5.24 Å)
                """)
        }
    }

    func scenarios() throws -> [HumanoidScenario] {
        if scenario.lowercased() == "all" { return HumanoidScenario.allCases }
        guard let number = Int(scenario), let chosen = HumanoidScenario(rawValue: number) else {
            throw ValidationError("--scenario must be 1, 2, 3 or all (got '\(scenario)')")
        }
        return [chosen]
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let grid = HumanoidGrid(size: box, pixelSize: pixelSize)
        let settings = HumanoidMaskSettings(focusMargin: focusMargin, roiMargin: roiMargin, softEdgeWidth: softEdge)
        let manifest = try HumanoidExport.write(to: HumanoidMapWriter(folder: output), grid: grid,
                                                scenarios: try scenarios(), maskSettings: settings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let folder = URL(fileURLWithPath: output)
        try AtomicFileWriter.write(try encoder.encode(manifest), to: folder.appendingPathComponent("manifest.json").path)
        try AtomicFileWriter.write(Data(manifest.tsv.utf8), to: folder.appendingPathComponent("manifest.tsv").path)
        let counts = Dictionary(grouping: manifest.entries, by: \.kind).mapValues(\.count)
        print("wrote \(counts["component"] ?? 0) component maps, \(counts["state"] ?? 0) state maps, "
              + "\(counts["mask"] ?? 0) masks (+ soft versions) to \(output)")
        let sphere = manifest.armHandSphere
        print("arm+hand focus sphere (side A), Å: \(sphere.specFromCorner) (centre from the map corner), "
              + "\(sphere.specFromMapCenter) (centre from the map centre)")
    }
}
