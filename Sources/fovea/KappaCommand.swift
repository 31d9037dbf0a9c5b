import ArgumentParser
import Foundation
import FoveaAnalysis
import FoveaIO

/// `fovea kappa`: scores a classification run against the simulator's truth, per asymmetric unit.
struct KappaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kappa",
        abstract: "Score a run against truth.star: TP/FP/TN/FN, accuracy, sensitivity, specificity, kappa, Youden's J.",
        discussion: """
            Each run row (particle p, operator op) is scored with its highest-occupancy class \
            (rlnClassNumber) against the truth of the side under the focus mask for that copy: \
            op 1 → the mask side, op 2 → the other side. Classes are matched to states for maximum \
            agreement (Hungarian) when classes ≤ states, else each class goes to its majority state.
            TP/FP/TN/FN are the preprint's (Methods): one-versus-rest counts of every state summed.
            Formulas: docs/validation.md.

            Example:
              fovea kappa --run run1 --truth sim/truth.star --state arm --json kappa.json
              fovea kappa --run run --truth data/truth.star --column foveaSmall \\
                  --minimum 0.9
            """
    )

    @Option(name: .customLong("run"), help: "Run folder or its particles.star.")
    var runPath: String

    @Option(help: "The simulator's truth.star.")
    var truth: String

    @Option(help: "Side covered by the focus mask in the reference frame (A or B).")
    var maskSide: String = "A"

    @Option(help: "Truth property scored: arm, hand, foot or label.")
    var state: String = "label"

    @Option(help: "Also write the result as JSON to this path.")
    var json: String?

    @Option(help: "Truth column to score instead of the humanoid's sides, once per expansion operator (e.g. foveaSmall).")
    var column: [String] = []

    @Option(parsing: .unconditional, help: "Exit with status 1 when kappa is below this, −1 to 1 (for scripts).")
    var minimum: Double?

    func validate() throws {
        if let minimum { try OptionCheck.within(minimum, -1...1, "--minimum") }
    }

    func run() throws {
        try OutputChecks.refuseOverwritingInputs(json, option: "--json", inputs: [truth])
        guard let side = PhysicalSide(rawValue: maskSide.uppercased()) else {
            throw ValidationError("--mask-side must be A or B, not '\(maskSide)'")
        }
        guard let property = TruthProperty(rawValue: state.lowercased()) else {
            throw ValidationError("--state must be one of arm, hand, foot, label, not '\(state)'")
        }
        try AnalysisOutput.reportingFormatErrors {
            let rows = try ClassifiedRows(runOrStar: runPath)
            let truthTable = try TruthTable(path: truth)
            let states = column.isEmpty ? try truthTable.states(of: rows, property: property, maskSide: side)
                : try truthTable.states(particles: rows.particleIndex, operators: rows.operatorIndex, columns: column)
            let score = KappaScore(classes: rows.classNumber, states: states, classLabels: rows.classLabels)
            for note in rows.notes { print("note: \(note)") }
            print("rows scored: \(rows.count) (state: \(property.rawValue), mask side \(side.rawValue))")
            print(score.table.rendered(rowTitle: "class", columnTitle: "true \(property.rawValue)"))
            print("matching: \(score.matching.rule.rawValue)")
            for line in score.mappingDescription { print("  \(line)") }
            let p = score.pooled
            print("TP \(p.truePositives)  FP \(p.falsePositives)  TN \(p.trueNegatives)  FN \(p.falseNegatives)  N \(p.total)")
            let f = { AnalysisOutput.format($0) }
            print("accuracy \(f(p.accuracy))  sensitivity \(f(p.sensitivity))  specificity \(f(p.specificity))")
            print("kappa \(f(p.kappa))  Youden's J \(f(p.youdenJ))  multi-class kappa \(f(score.multiClassKappa))")
            if let json {
                try AnalysisOutput.writeJSON(Self.jsonObject(score, rows: rows.count, property: property, side: side), to: json)
            }
            if let minimum, !(p.kappa >= minimum) {
                print("kappa \(f(p.kappa)) is below the minimum \(minimum)")
                throw ExitCode(1)
            }
        }
    }

    static func jsonObject(_ score: KappaScore, rows: Int, property: TruthProperty, side: PhysicalSide) -> [String: Any] {
        func measures(_ m: BinaryMeasures) -> [String: Any] {
            ["TP": m.truePositives, "FP": m.falsePositives, "TN": m.trueNegatives, "FN": m.falseNegatives,
             "accuracy": AnalysisOutput.json(m.accuracy), "sensitivity": AnalysisOutput.json(m.sensitivity),
             "specificity": AnalysisOutput.json(m.specificity), "kappa": AnalysisOutput.json(m.kappa),
             "youdenJ": AnalysisOutput.json(m.youdenJ)]
        }
        let table = score.table
        return [
            "rows": rows, "state": property.rawValue, "maskSide": side.rawValue,
            "classes": table.rowLabels, "states": table.columnLabels, "counts": table.counts,
            "matchingRule": score.matching.rule.rawValue,
            "classToState": Dictionary(uniqueKeysWithValues: table.rowLabels.indices.map { r in
                (String(table.rowLabels[r]), score.matching.stateIndexOfClass[r].map { table.columnLabels[$0] as Any } ?? NSNull())
            }),
            "pooled": measures(score.pooled),
            "perState": Dictionary(uniqueKeysWithValues: zip(table.columnLabels.map(String.init), score.perState.map(measures))),
            "multiClassKappa": AnalysisOutput.json(score.multiClassKappa),
        ]
    }
}
