import ArgumentParser
import Foundation
import FoveaAnalysis
import FoveaIO
import FoveaRun

/// `fovea agreement`: how well replicate runs (different seeds) agree, row by row.
struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Pairwise kappa between replicate runs after class matching; stable and unstable rows.",
        discussion: """
            Rows are paired by (rlnFoveaParticleIndex, rlnFoveaOperatorIndex). For each pair of runs \
            the classes of one are matched to the other's (Hungarian, maximum agreement) and Cohen's \
            kappa of the matched table is reported. A row is stable when every run, mapped onto the \
            first run's classes, gives it the first run's class.

            Example:
              fovea agreement run_seed1 run_seed2 run_seed3 --stable-star stable.star
            """
    )

    @Argument(help: "Run folders or particles STAR files (at least two).")
    var runs: [String]

    @Option(help: "Write the first run's stable rows (all columns) to this STAR file.")
    var stableStar: String?

    @Option(help: "Also write the result as JSON.")
    var json: String?

    func run() throws {
        guard runs.count >= 2 else { throw ValidationError("give at least two runs") }
        try AnalysisOutput.reportingFormatErrors {
            let tables = try runs.map { try ClassifiedRows(runOrStar: $0) }
            let agreement = try ReplicateAgreement(tables)
            print("pairwise kappa after class matching (row run → column run):")
            for (a, name) in runs.enumerated() {
                print("  [\(a + 1)] " + agreement.pairwiseKappa[a].map { AnalysisOutput.format($0, digits: 3) }.joined(separator: "  ") + "  \(name)")
            }
            for (r, map) in agreement.mappingToFirst.enumerated() {
                let text = map.sorted { $0.key < $1.key }.map { "\($0.key)→\($0.value.map(String.init) ?? "none")" }.joined(separator: " ")
                print("classes of [\(r + 2)] on [1]: \(text)")
            }
            // The run to keep among replicates: the highest final mean LogP (run folders only).
            let meanLogP = runs.map { ReplicateLikelihood.finalMeanLogP(runFolder: $0) }
            if let best = ReplicateLikelihood.best(meanLogP) {
                print("final mean LogP: " + meanLogP.enumerated().map { "[\($0 + 1)] " + ($1.map { AnalysisOutput.format($0, digits: 2) } ?? "—") }
                        .joined(separator: "  "))
                print("highest mean LogP: [\(best + 1)] \(runs[best]) (keep it when the runs disagree; docs/classify.md, \"Seeds and starts\")")
            }
            let stableRows = agreement.stable.indices.filter { agreement.stable[$0] }
            let n = agreement.stable.count
            print("stable rows \(stableRows.count) of \(n) (\(AnalysisOutput.format(100 * Double(stableRows.count) / Double(max(n, 1)), digits: 1)) %), unstable \(n - stableRows.count)")
            if let stableStar {
                try tables[0].writeSubset(stableRows, to: stableStar,
                                          comment: ["fovea agreement: rows of \(tables[0].file) stable across \(runs.count) runs"])
                print("wrote \(stableStar)")
            }
            if let json {
                try AnalysisOutput.writeJSON([
                    "runs": runs, "pairwiseKappa": agreement.pairwiseKappa.map { $0.map(AnalysisOutput.json) },
                    "pairwiseAgreement": agreement.pairwiseAgreement, "rows": n, "stableRows": stableRows.count,
                    "finalMeanLogP": meanLogP.map { $0.map(AnalysisOutput.json) ?? NSNull() },
                    "highestMeanLogPRun": ReplicateLikelihood.best(meanLogP).map { runs[$0] } ?? NSNull(),
                ] as [String: Any], to: json)
            }
        }
    }
}
