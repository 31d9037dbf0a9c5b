import ArgumentParser
import Foundation
import FoveaAnalysis
import FoveaIO

/// `fovea kappa`: a run's accuracy against a simulator's truth.
struct KappaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kappa",
        abstract: "Score a run against the truth: TP/FP/TN/FN, accuracy, sensitivity, specificity, kappa, Youden's J.",
        discussion: """
            Every classified row (asymmetric unit) is assigned to its highest-occupancy class and
            scored against the true state of the unit under the mask: for the humanoid, side A for
            expansion copy 1 and side B for copy 2 when the mask covers side A (--mask-side). Classes
            are matched to states one-to-one to maximise agreement (majority state when the numbers
            differ). Formulas: docs/validation.md.

            Examples:
              fovea kappa --run demo-output/run --truth demo-output/data/truth.star
              fovea kappa --run run --truth truth.star --state Hand --json kappa.json
            """
    )

    @Option(name: .customLong("run"), help: "Run folder (or its particles.star).") var runFolder: String
    @Option(help: "truth.star of the simulated dataset.") var truth: String
    @Option(help: "Humanoid property scored: Label (the scenario's states), Arm, Hand or Foot.") var state = "Label"
    @Option(name: .customLong("mask-side"), help: "Side the focus mask covers: A or B.") var maskSide = "A"
    @Option(help: "Truth column(s) to use instead, one per expansion operator.") var column: [String] = []
    @Option(help: "Also write the result as JSON here.") var json: String?
    @Option(help: "Exit with status 1 when kappa is below this (for scripts).") var minimum: Double?

    func validate() throws {
        guard ["Label", "Arm", "Hand", "Foot"].contains(state) else { throw ValidationError("--state must be Label, Arm, Hand or Foot") }
        guard ["A", "B"].contains(maskSide) else { throw ValidationError("--mask-side must be A or B") }
    }

    func run() throws {
        let score = try TruthScore(run: try RunAssignments(runOrStar: runFolder), truth: try TruthTable(path: truth),
                                   property: state, maskSide: maskSide, columns: column)
        let c = score.confusion
        print("units \(score.table.total), classes \(score.table.classCount), states \(score.stateNames.joined(separator: " "))")
        print("class → state: " + score.matching.enumerated().map { "\($0 + 1)→\(score.stateNames[$1])" }.joined(separator: " "))
        print("table (rows: classes, columns: states):")
        for (k, row) in score.table.counts.enumerated() { print("  class \(k + 1): " + row.map { String($0) }.joined(separator: "\t")) }
        print("TP \(c.tp)  FP \(c.fp)  TN \(c.tn)  FN \(c.fn)")
        print(String(format: "accuracy %.4f  sensitivity %.4f  specificity %.4f  Youden J %.4f", c.accuracy, c.sensitivity,
                     c.specificity, c.youdenJ))
        print(String(format: "kappa %.4f", c.kappa) + (score.cohenKappa.map { String(format: "  (Cohen's multi-class kappa %.4f)", $0) } ?? ""))
        if let json {
            let object: [String: Any] = ["kappa": c.kappa, "accuracy": c.accuracy, "sensitivity": c.sensitivity,
                                         "specificity": c.specificity, "youden_j": c.youdenJ, "tp": c.tp, "fp": c.fp,
                                         "tn": c.tn, "fn": c.fn, "table": score.table.counts, "states": score.stateNames,
                                         "matching": score.matching.map { score.stateNames[$0] },
                                         "cohen_kappa": score.cohenKappa as Any]
            try AtomicFileWriter.write(try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), to: json)
        }
        if let minimum, !(c.kappa >= minimum) {
            print(String(format: "kappa %.4f is below the minimum %.4f", c.kappa, minimum))
            throw ExitCode(1)
        }
    }
}
