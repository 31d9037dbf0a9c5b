import ArgumentParser
import Foundation
import FoveaAnalysis
import FoveaIO
import FoveaSimulate

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
            --ceiling adds the ideal-observer ceiling of a simulated humanoid dataset: the mean, \
            over the scored rows, of the accuracy the Bayes-optimal classifier of the side's label \
            could expect from the true maps under the focus region, with the view, CTF and noise \
            known, and its kappa. It reads ceiling.star beside truth.star (fovea simulate writes it) \
            or, for older datasets, computes it from simulation.json and maps/.

            Example:
              fovea kappa --run run1 --truth sim/truth.star --state arm --json kappa.json
              fovea kappa --run run1 --truth sim/truth.star --ceiling
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

    @Flag(help: "Also print the ideal-observer ceiling of the simulated dataset beside truth.star (state label only).")
    var ceiling = false

    func validate() throws {
        if ceiling && (!column.isEmpty || state.lowercased() != TruthProperty.label.rawValue) {
            throw ValidationError("--ceiling is defined for the humanoid's state label: leave out --column and --state")
        }
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
            var ceilingValues: (accuracy: Double, kappa: Double)?
            if ceiling {
                let sides = try rows.operatorIndex.map { op -> HumanoidSide in
                    guard let physical = TruthTable.side(ofOperator: op, maskSide: side) else {
                        throw FormatError(file: rows.file, field: "rlnFoveaOperatorIndex", "operator \(op): the ceiling needs C2 copies (1, 2)")
                    }
                    return physical == .a ? .a : .b
                }
                let table = try Self.ceilingTable(truth: truth)
                let accuracy = try table.table.accuracy(particles: rows.particleIndex, sides: sides, file: table.file)
                let values = (accuracy, IdealObserverCeiling.pooledKappa(accuracy: accuracy, states: table.table.labelCount))
                ceilingValues = values
                print("ideal-observer ceiling (focus region, these rows): accuracy \(f(values.0))  kappa \(f(values.1))"
                      + "  (kappa − ceiling \(f(p.kappa - values.1)); \(table.file))")
            }
            if let json {
                var object = Self.jsonObject(score, rows: rows.count, property: property, side: side)
                if let ceilingValues {
                    object["ceiling"] = ["accuracy": AnalysisOutput.json(ceilingValues.accuracy), "kappa": AnalysisOutput.json(ceilingValues.kappa)]
                }
                try AnalysisOutput.writeJSON(object, to: json)
            }
            if let minimum, !(p.kappa >= minimum) {
                print("kappa \(f(p.kappa)) is below the minimum \(minimum)")
                throw ExitCode(1)
            }
        }
    }

    /// The ceiling of the dataset whose truth is `truth`: its `ceiling.star`, or, for a dataset
    /// simulated before Fovea wrote one, computed from `simulation.json` and the soft focus mask in `maps/`.
    static func ceilingTable(truth: String) throws -> (table: CeilingTable, file: String) {
        let folder = URL(fileURLWithPath: truth).deletingLastPathComponent().path
        let stored = folder + "/" + CeilingTable.fileName
        if FileManager.default.fileExists(atPath: stored) { return (try CeilingTable(path: stored), stored) }
        let recordPath = folder + "/simulation.json", maskPath = folder + "/maps/softmask_arm_hand_focus_A.mrc"
        guard FileManager.default.fileExists(atPath: recordPath) else {
            throw FormatError(file: stored, "--ceiling needs ceiling.star or simulation.json beside truth.star (a dataset of fovea simulate)")
        }
        var settings = try HumanoidParticleDataset.Settings(simulationRecord: recordPath)
        settings.threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let mask = try MRCReader(path: maskPath).volume()
        guard mask.size == settings.grid.size else {
            throw FormatError(file: maskPath, "box \(mask.size) is not the dataset's \(settings.grid.size)")
        }
        let components = HumanoidComponentMaps(grid: settings.grid)
        let dataset = HumanoidParticleDataset(settings: settings, maps: components)
        let ceiling = IdealObserverCeiling(dataset: dataset, components: components, focusMask: mask)
        return (CeilingTable(ceiling), recordPath + " (computed)")
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
