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
    @Option(help: "Largest relative difference allowed between class volumes.") var tolerance = 1e-4

    func run() throws {
        let a = try RunState.read(from: RunFolder(first).state), b = try RunState.read(from: RunFolder(second).state)
        var problems: [String] = []
        if a.snapshot.cycle != b.snapshot.cycle { problems.append("cycles \(a.snapshot.cycle) vs \(b.snapshot.cycle)") }
        let bestA = a.snapshot.bestClass ?? [], bestB = b.snapshot.bestClass ?? []
        if bestA.count != bestB.count {
            problems.append("rows \(bestA.count) vs \(bestB.count)")
        } else {
            let differing = zip(bestA, bestB).filter { $0 != $1 }.count
            if differing > 0 { problems.append("\(differing) of \(bestA.count) rows changed best class") }
        }
        let occupancyDifference = zip(a.snapshot.occupancy.values, b.snapshot.occupancy.values).map { abs($0 - $1) }.max() ?? 0
        if occupancyDifference > 0.01 { problems.append("occupancies differ by up to \(occupancyDifference) points") }
        var worst = 0.0
        for (va, vb) in zip(a.snapshot.classVolumes, b.snapshot.classVolumes) {
            let scale = Double(va.voxels.map { abs($0) }.max() ?? 0)
            let difference = Double(zip(va.voxels, vb.voxels).map { abs($0 - $1) }.max() ?? 0)
            worst = max(worst, scale > 0 ? difference / scale : difference)
        }
        if worst > tolerance { problems.append("class volumes differ by \(worst) relative (allowed \(tolerance))") }
        print("compare \(first) \(second): best classes of \(bestA.count) rows, occupancy difference "
              + "\(occupancyDifference) points, volume difference \(worst) relative")
        if !problems.isEmpty {
            print("DIFFERENT: " + problems.joined(separator: "; "))
            throw ExitCode(1)
        }
        print("SAME")
    }
}

/// `fovea selftest kappa`: Cohen's kappa of a two-class run against a 0/1 truth column, after the
/// better of the two labellings (the two-region phantom's truth.star).
struct TruthKappaSelfTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kappa",
        abstract: "Kappa of a two-class run against a 0/1 truth column of truth.star.",
        discussion: """
            For expanded runs, operator s of each particle is scored against truth column s \
            (give --column once per operator).

            Example:
              fovea selftest kappa run --truth data/truth.star --column foveaSmall --minimum 0.9
            """
    )

    @Argument(help: "Run folder.") var runFolder: String
    @Option(help: "truth.star of the dataset.") var truth: String
    @Option(help: "Truth column(s), one per expansion operator.") var column: [String] = ["foveaSmall"]
    @Option(help: "Exit 1 when kappa is below this.") var minimum: Double?

    func run() throws {
        let state = try RunState.read(from: RunFolder(runFolder).state)
        guard state.config.classCount == 2, let best = state.snapshot.bestClass else {
            throw ValidationError("\(runFolder): needs a finished two-class run")
        }
        let document = try StarParser.parse(contentsOf: truth)
        guard let loop = document.block(named: "truth")?.table else { throw ValidationError("\(truth): no data_truth loop") }
        let ops = state.config.operatorCount
        guard column.count == ops else { throw ValidationError("give --column \(ops) times (one per operator)") }
        let indices = try column.map { name -> Int in
            guard let index = loop.columnIndex(name) else { throw ValidationError("\(truth): no column _\(name)") }
            return index
        }
        var raw: [Int] = []
        for p in 0..<state.particleCount {
            for s in 0..<ops { raw.append(Int(loop.rows[p][indices[s]]) ?? -1) }
        }
        // Two states, whatever their codes (0/1 or 1/2): the smaller is state 0.
        let codes = Set(raw).sorted()
        guard codes.count == 2 else { throw ValidationError("\(truth): the truth columns hold \(codes.count) states, not 2") }
        let labels = raw.map { $0 == codes[0] ? 0 : 1 }
        var table = [[0.0, 0.0], [0.0, 0.0]]
        for (assigned, label) in zip(best, labels) where label == 0 || label == 1 { table[Int(assigned)][label] += 1 }
        func kappa(_ t: [[Double]]) -> Double {
            let n = t.flatMap { $0 }.reduce(0, +)
            let observed = (t[0][0] + t[1][1]) / n
            let expected = ((t[0][0] + t[0][1]) * (t[0][0] + t[1][0]) + (t[1][0] + t[1][1]) * (t[0][1] + t[1][1])) / (n * n)
            return (observed - expected) / (1 - expected)
        }
        let value = max(kappa(table), kappa([table[1], table[0]]))
        print(String(format: "kappa %.4f", value) + " (\(runFolder) vs \(column.joined(separator: ",")))")
        if let minimum, value < minimum { throw ExitCode(1) }
    }
}
