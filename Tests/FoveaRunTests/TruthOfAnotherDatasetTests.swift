import Foundation
import FoveaIO
import FoveaRun
import Testing

/// `classify --truth` with the truth file of another dataset is refused before the run folder is
/// made (issue 13, defect 17: it used to score the wrong particles, or drop kappa with a note).
@Suite struct TruthOfAnotherDatasetTests {
    @Test func truthOfAnotherDatasetIsRefusedBeforeTheRun() throws {
        let data = temporaryFolder("truth-data"), other = temporaryFolder("truth-other")
        let out = temporaryFolder("truth-run") + "/run"
        let star = try writePhantom(to: data, count: 24, snr: 1, seed: 3)
        _ = try writePhantom(to: other, count: 30, snr: 1, seed: 4)
        let request = RunRequest(config: try phantomConfig(cycles: 1), inputs: RunInputPaths(particles: star), output: out,
                                 continuing: false, commandLine: [], truth: other + "/truth.star")
        #expect { _ = try runJob(request) } throws: { error in
            (error as? FormatError)?.file == other + "/truth.star" && (error as? FormatError)?.field == "foveaParticleIndex"
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        // The run's own truth is accepted.
        let matching = RunRequest(config: try phantomConfig(cycles: 1), inputs: RunInputPaths(particles: star), output: out,
                                  continuing: false, commandLine: [], truth: data + "/truth.star")
        _ = try runJob(matching)
        #expect(FileManager.default.fileExists(atPath: out + "/run.json"))
    }
}
