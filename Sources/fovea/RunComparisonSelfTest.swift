import ArgumentParser
import Foundation
import FoveaClassify
import FoveaIO
import FoveaRun

/// `fovea selftest compare`: are two runs the same run? Used by the multi-rank checks (ranks,
/// interruption and continuation must not change the result beyond rounding).
struct RunComparisonSelfTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two run folders: best class of every row, occupancies and class volumes.",
        discussion: """
            Passes (exit 0) when every row has the same best class, occupancies agree to 0.01 \
            percentage points, and every class volume agrees to --tolerance relative to its \
            largest absolute voxel; otherwise prints what differs and exits 1.

            Example:
              fovea selftest compare run_np1 run_np3 --tolerance 1e-4
            """
    )

    @Argument(help: "First run folder.") var first: String
    @Argument(help: "Second run folder.") var second: String
    @Option(parsing: .unconditional, help: "Largest relative difference allowed between class volumes.") var tolerance = 1e-4

    func validate() throws { try OptionCheck.nonNegative(tolerance, "--tolerance") }

    func run() throws {
        let a = try RunState.read(from: RunFolder(first).state), b = try RunState.read(from: RunFolder(second).state)
        var problems: [String] = []
        if a.classification.cycle != b.classification.cycle { problems.append("cycles \(a.classification.cycle) vs \(b.classification.cycle)") }
        let bestA = a.classification.bestClass ?? [], bestB = b.classification.bestClass ?? []
        if bestA.count != bestB.count {
            problems.append("rows \(bestA.count) vs \(bestB.count)")
        } else {
            let differing = zip(bestA, bestB).filter { $0 != $1 }.count
            if differing > 0 { problems.append("\(differing) of \(bestA.count) rows changed best class") }
        }
        let occupancyDifference = zip(a.classification.occupancy.values, b.classification.occupancy.values).map { abs($0 - $1) }.max() ?? 0
        if occupancyDifference > 0.01 { problems.append("occupancies differ by up to \(occupancyDifference) points") }
        var worst = 0.0
        for (va, vb) in zip(a.classification.classVolumes, b.classification.classVolumes) {
            let scale = Double(va.voxels.map { abs($0) }.max() ?? 0)
            let difference = Double(zip(va.voxels, vb.voxels).map { abs($0 - $1) }.max() ?? 0)
            worst = max(worst, scale > 0 ? difference / scale : difference)
        }
        if worst > tolerance { problems.append("class volumes differ by \(worst) relative (allowed \(tolerance))") }
        // The written maps' scale comes from exact global sums: any difference is a defect.
        if a.densityScale != b.densityScale { problems.append("the map density scales differ") }
        print("compare \(first) \(second): best classes of \(bestA.count) rows, occupancy difference "
              + "\(occupancyDifference) points, volume difference \(worst) relative")
        if !problems.isEmpty {
            print("DIFFERENT: " + problems.joined(separator: "; "))
            throw ExitCode(1)
        }
        print("SAME")
    }
}
