import Foundation
import Testing
import FoveaRun

/// `ReplicateLikelihood`: the final mean LogP of replicate runs and the one to keep.
@Suite struct ReplicateLikelihoodTests {
    /// Seeded logs: the last cycle's mean LogP is read, a cycle logged again by `--continue`
    /// replaces the earlier line, a cut line is skipped; the best is the highest, computed here
    /// independently; folders without a log are nil and never best.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func finalMeanLogPAndTheBestRun(seed: UInt64) throws {
        var state = seed
        func uniform(_ low: Double, _ high: Double) -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return low + (high - low) * Double(state >> 11) * 0x1p-53
        }
        let base = temporaryFolder("replicate-likelihood-\(seed)")
        var expected: [Double?] = []
        var folders: [String] = []
        for run in 0..<5 {
            let folder = base + "/run\(run)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            folders.append(folder)
            if run == 2 { expected.append(nil); continue }  // no progress.jsonl
            let cycles = Int(uniform(2, 9))
            var lines: [String] = []
            var last = 0.0
            for cycle in 1...cycles {
                last = uniform(-700, -500)
                let record = ProgressRecord(cycle: cycle, cycles: cycles, softFractions: [0.5, 0.5], hardFractions: [0.5, 0.5],
                                            changedFraction: 0.1, meanLogP: last, resolutionAngstrom: [20, 20], seconds: 1)
                lines.append(String(decoding: try record.encodedLine(), as: UTF8.self))
            }
            if run == 3 {
                // A continued run logs its last cycle again: the later line counts; then a cut line.
                last = uniform(-700, -500)
                let again = ProgressRecord(cycle: cycles, cycles: cycles, softFractions: [0.5, 0.5], hardFractions: [0.5, 0.5],
                                           changedFraction: 0.1, meanLogP: last, resolutionAngstrom: [20, 20], seconds: 1)
                lines.append(String(decoding: try again.encodedLine(), as: UTF8.self))
                lines.append("{\"cycle\": \(cycles + 1), \"mean_lo")
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/progress.jsonl", atomically: true, encoding: .utf8)
            expected.append(last)
        }
        let read = folders.map { ReplicateLikelihood.finalMeanLogP(runFolder: $0) }
        for (value, want) in zip(read, expected) {
            if let want, let value { #expect(abs(value - want) <= 1e-6 * abs(want)) } else { #expect(value == nil && want == nil) }
        }
        let present = expected.enumerated().compactMap { index, value in value.map { (index, $0) } }
        let highest = present.max { $0.1 < $1.1 }?.0
        #expect(ReplicateLikelihood.best(read) == highest)
        #expect(ReplicateLikelihood.best([nil, nil]) == nil)
        #expect(ReplicateLikelihood.best([-.infinity, .nan, -3]) == 2)
    }
}
