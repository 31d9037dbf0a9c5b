import ArgumentParser
import FoveaAnalysis
import FoveaReport
import FoveaRun

/// `fovea report`: the HTML report of a run folder.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a run folder (plots, class maps, focus region).",
        discussion: """
            The report shows class fractions (soft and hard), the % of particles that changed class \
            and the mean LogP per cycle, FSC curves and resolution per class, central sections and a \
            projection of every class volume, the merged difference map, and the focus sphere \
            projected on sample particles. `fovea classify` refreshes <run>/report.html after every \
            checkpoint and at the end; this command rewrites it at any time, also during a run.
            Open it in any browser; it needs no network.

            With --roi (and --full) it adds the occupancy of each region in each class and their \
            normalised covariance as a heat map (the preprint's Figure 3; docs/validation.md).

            Examples:
              fovea report focus_run && xdg-open focus_run/report.html
              fovea report run --roi hand=maps/mask_near_hand_A.mrc \\
                  --full hand=maps/component_hand_A_lowered.mrc \\
                  --roi foot=maps/mask_near_foot_A.mrc \\
                  --full foot=maps/component_foot_A.mrc \\
                  --scale-mask maps/mask_leg_A.mrc \\
                  --scale-map maps/state_H01_A0h1f1_B0h1f1.mrc
            """
    )

    @Argument(help: "Run folder of fovea classify.") var runFolder: String
    @Option(name: [.customLong("output"), .customShort("o"), .customLong("o")], help: "Where to write the HTML (default <run>/report.html).")
    var output: String?

    @Option(help: "Region of interest as name=mask.mrc (repeatable) for the covariance heat map.")
    var roi: [String] = []

    @Option(help: "Full-occupancy map of a region as name=map.mrc (one per --roi).")
    var full: [String] = []

    @Option(name: .customLong("scale-mask"), help: "Invariant region every class is scaled in first (with --scale-map).")
    var scaleMask: String?

    @Option(name: .customLong("scale-map"), help: "Map whose mass inside --scale-mask every class is scaled to.")
    var scaleMap: String?

    func run() throws {
        let path = try ReportWriter.write(folder: RunFolder(runFolder), to: output, regions: try regions())
        print("wrote \(path)")
    }

    func regions() throws -> ReportRegions? {
        guard !roi.isEmpty else { return nil }
        func split(_ text: String) throws -> (String, String) {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                throw ValidationError("expected name=file.mrc, got '\(text)'")
            }
            return (String(text[..<eq]), String(text[text.index(after: eq)...]))
        }
        let rois = try roi.map(split)
        let fulls = Dictionary(try full.map(split), uniquingKeysWith: { $1 })
        let fullPaths = try rois.map { name, _ -> String in
            guard let path = fulls[name] else { throw ValidationError("give --full \(name)=map.mrc for --roi \(name)") }
            return path
        }
        if (scaleMask == nil) != (scaleMap == nil) { throw ValidationError("give --scale-mask and --scale-map together") }
        // Loaded together with a class volume of the run (when there is one yet), so that every map shares its grid.
        let classMap = (try? MatchedVolumes.classPaths(inRun: runFolder))?.first
        let loaded = try MatchedVolumes.load((classMap.map { [$0] } ?? []) + rois.map(\.1) + fullPaths
                                             + [scaleMask, scaleMap].compactMap { $0 })
        let volumes = Array(loaded.dropFirst(classMap == nil ? 0 : 1))
        let r = rois.count
        return ReportRegions(names: rois.map(\.0), masks: Array(volumes[0..<r]), full: Array(volumes[r..<(2 * r)]),
                             scaleMask: scaleMask == nil ? nil : volumes[2 * r], scaleMap: scaleMap == nil ? nil : volumes[2 * r + 1])
    }
}
