import ArgumentParser
import Foundation
import FoveaAnalysis
import FoveaCore
import FoveaIO

/// `fovea diffmap`: the merged pairwise difference map of the preprint's Figure 4.
struct DiffmapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffmap",
        abstract: "Merge all pairwise class difference maps into one (voxel-wise maximum, Figure 4).",
        discussion: """
            Each class is first scaled to the mean mass Σ mask·V_k of the classes (whole box without \
            --mask; --no-scale skips this). Then merged(v) = max(0, max over pairs k<l of d_kl(v)), \
            d_kl = |V_k − V_l| (default) or V_k − V_l with --signed (the preprint merges each \
            difference map into a zero volume by keeping the larger value; with both orders of each \
            pair that is |V_k − V_l|). Written atomically as MRC (float32).

            Examples:
              fovea diffmap --classes run1 --mask masks/focus.mrc --out merged_diff.mrc
              fovea diffmap class_001.mrc class_002.mrc class_003.mrc --out merged_diff.mrc
            """
    )

    @Argument(help: "Class volumes (or use --classes RUN).")
    var maps: [String] = []

    @Option(help: "Run folder: use its class_NNN.mrc.")
    var classes: String?

    @Option(help: "Mask in which the classes are scaled to a common mass.")
    var mask: String?

    @Flag(help: "Do not scale the classes.")
    var noScale = false

    @Flag(help: "Signed differences V_k − V_l (k < l) instead of |V_k − V_l|.")
    var signed = false

    @Option(name: [.customLong("output"), .customLong("out"), .customLong("o")], help: "Output MRC path.")
    var out: String

    func run() throws {
        try OutputChecks.refuseOverwritingInputs(out, option: "--out", inputs: maps)
        try AnalysisOutput.reportingFormatErrors {
            let paths = try classes.map { try MatchedVolumes.classPaths(inRun: $0) } ?? maps
            guard paths.count >= 2 else { throw ValidationError("need at least two class volumes") }
            let all = try MatchedVolumes.load(paths + (mask.map { [$0] } ?? []))
            let volumes = Array(all[0..<paths.count])
            let maskVolume = mask == nil ? nil : all.last
            var scales: [Double]?
            if !noScale {
                guard let s = DifferenceMap.commonMassScales(volumes, mask: maskVolume) else {
                    throw UserError("a class has mass ≤ 0 \(mask == nil ? "in the box" : "inside \(mask!)"); use --no-scale or another mask")
                }
                scales = s
                for (path, factor) in zip(paths, s) { print("scale \(AnalysisOutput.format(factor)) × \(path)") }
            }
            let merged = DifferenceMap.merged(volumes, scales: scales, mode: signed ? .signed : .absolute)
            try MRCWriter.write(merged, to: out)
            let peak = merged.voxels.max() ?? 0
            print("merged \(volumes.count * (volumes.count - 1) / 2) pairwise \(signed ? "signed" : "absolute") differences → \(out) (max \(AnalysisOutput.format(Double(peak))))")
        }
    }
}
