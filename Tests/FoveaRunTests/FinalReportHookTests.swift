import Foundation
import Testing
import FoveaClassify
import FoveaDistributed
import FoveaIO
import FoveaRun

/// The report hook (`ClassificationRun.afterWrite`) runs after each checkpoint of the cycles and
/// once after the final outputs — not between the final pass's checkpoint and its outputs, while the
/// run still holds its K class maps (a report made then holds its own K maps beside them: ≈ 2 × 1 GB
/// at box 320, K = 8, the final pass's peak).
@Suite struct FinalReportHookTests {
    @Test(arguments: [2, 3])
    func theHookWaitsForTheFinalOutputs(cycles: Int) throws {
        let data = temporaryFolder("report-hook-data")
        let star = try writePhantom(to: data, count: 40, snr: 1, seed: 11)
        let folder = temporaryFolder("report-hook") + "/run"
        let request = RunRequest(config: try phantomConfig(cycles: cycles, checkpointEvery: 1), inputs: RunInputPaths(particles: star),
                                 output: folder, continuing: false, commandLine: [])
        let run = ClassificationRun(request: request, communicator: SerialCommunicator()) { _ in }
        var mapsWrittenAtCall: [Bool] = []
        run.afterWrite = { runFolder in
            mapsWrittenAtCall.append(FileManager.default.fileExists(atPath: runFolder.path + "/class_001.mrc"))
        }
        guard case .finished = try run.execute() else { Issue.record("the run did not finish"); return }
        let cyclesRun = try String(contentsOfFile: folder + "/progress.jsonl", encoding: .utf8).split(separator: "\n").count
        // A checkpoint after every cycle but the last (the final pass's follows it), then the outputs.
        #expect(mapsWrittenAtCall == Array(repeating: false, count: cyclesRun - 1) + [true])
    }
}
