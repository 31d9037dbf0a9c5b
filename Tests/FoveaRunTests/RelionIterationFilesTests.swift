import Foundation
import Testing
import FoveaClassify
import FoveaDistributed
import FoveaIO
import FoveaRun

/// `fovea classify --relion-job`: RELION's per-checkpoint names and output nodes.
@Suite struct RelionIterationFilesTests {
    @Test func everyCheckpointGetsRelionNamedFilesAndTheNodesNameTheLast() throws {
        let data = temporaryFolder("relion-it-data")
        let star = try writePhantom(to: data, count: 40, snr: 1, seed: 9)
        let folder = temporaryFolder("relion-it") + "/run"
        let request = RunRequest(config: try phantomConfig(cycles: 4, checkpointEvery: 2), inputs: RunInputPaths(particles: star),
                                 output: folder, continuing: false, commandLine: [])
        let run = ClassificationRun(request: request, communicator: SerialCommunicator()) { _ in }
        var written: [[String]] = []
        run.afterWrite = { runFolder in
            written.append(try RelionIterationFiles.write(folder: runFolder))
            try RelionIterationFiles.writeOutputNodes(folder: runFolder, relionJobFolder: "External/job007/")
        }
        #expect(try run.execute() == .finished(.cycleLimit))
        let names = written.map { $0.map { ($0 as NSString).lastPathComponent } }
        #expect(names.first == ["run_it002_data.star", "run_it002_class001.mrc", "run_it002_class002.mrc"])
        #expect(names.last == ["run_it004_data.star", "run_it004_class001.mrc", "run_it004_class002.mrc"])
        // The last iteration's files are the run's final outputs.
        #expect(try ParticleTable(relionStarAt: folder + "/run_it004_data.star") == ParticleTable(relionStarAt: folder + "/particles.star"))
        for k in 1...2 {
            let final = try Data(contentsOf: URL(fileURLWithPath: folder + String(format: "/class_%03d.mrc", k)))
            let named = try Data(contentsOf: URL(fileURLWithPath: folder + String(format: "/run_it004_class%03d.mrc", k)))
            #expect(final == named)
        }
        let nodes = try #require(try StarParser.parse(contentsOf: folder + "/RELION_OUTPUT_NODES.star").block(named: "output_nodes")?.table)
        #expect(nodes.columns == ["rlnPipeLineNodeName", "rlnPipeLineNodeType"])
        #expect(nodes.rows == [["External/job007/run_it004_data.star", "3"], ["External/job007/run_it004_class001.mrc", "6"],
                               ["External/job007/run_it004_class002.mrc", "6"]])
    }
}
