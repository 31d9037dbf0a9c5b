import Foundation

/// Which of several replicate runs (the same data and options, different `--seed`) to keep: the one
/// whose last cycle has the highest mean LogP (`progress.jsonl`'s `mean_logp`, per row). A seed
/// can end in a partition that merges two true states into one class and splits another state over
/// two classes; its kappa is then far below the other seeds', and so is its mean LogP (measured in
/// docs/classify.md, "Seeds and starts": the order of the final mean LogP was the order of kappa
/// over ten seeds).
public enum ReplicateLikelihood {
    /// The mean LogP of the last cycle logged in `runFolder/progress.jsonl`; nil when the path is not
    /// a run folder or its log holds no complete cycle.
    public static func finalMeanLogP(runFolder: String) -> Double? {
        let log = RunFolder(runFolder).progressLog
        guard let data = FileManager.default.contents(atPath: log), let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        return ProgressRecord.records(inLog: text).last.map(\.meanLogP)
    }

    /// The index of the highest finite value (the first of equals); nil when there is none.
    public static func best(_ meanLogP: [Double?]) -> Int? {
        var best: Int?
        for (index, value) in meanLogP.enumerated() {
            guard let value, value.isFinite else { continue }
            if let current = best, let top = meanLogP[current], top >= value { continue }
            best = index
        }
        return best
    }
}
