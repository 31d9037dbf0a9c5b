import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaDistributed
import FoveaIO
import FoveaRun

/// Checkpoints of format 2 hold the class volumes on the cycles' grid; a format-1 checkpoint (an
/// older Fovea, whose cycles ran at box N) is still read, but `--continue` refuses it clearly.
@Suite(.serialized) struct CheckpointFormatTests {
    /// `state` written in the format-1 layout (no `volume_box`; volumes at box N).
    static func writeFormatOne(_ state: RunState, to path: String) throws {
        let full = state.withFullBoxVolumes(), k = state.config.classCount, n = state.boxSize
        let rows = state.particleCount * state.config.operatorCount
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
        try HDF5File.write(to: path) { file in
            try file.setAttribute("format_version", Int64(1))
            try file.setAttribute("config", try json(state.config))
            try file.setAttribute("inputs", try json(state.inputs))
            try file.setAttribute("history", try json(state.classification.history))
            try file.setAttribute("particle_count", Int64(state.particleCount))
            try file.setAttribute("operator_count", Int64(state.config.operatorCount))
            try file.setAttribute("box_size", Int64(n))
            try file.setAttribute("pixel_size", state.pixelSize)
            try file.setAttribute("cycle", Int64(state.classification.cycle))
            let group = try file.createGroup("rows")
            try group.writeDataset("occupancy", state.classification.occupancy.values, shape: [rows, k])
            try group.writeDataset("logp", state.classification.logP.values, shape: [rows, k])
            try group.writeDataset("best_class", (state.classification.bestClass ?? []).map { $0 + 1 })
            let classes = try file.createGroup("classes")
            try classes.writeDataset("volumes", full.classification.classVolumes.flatMap(\.voxels), shape: [k, n, n, n])
            try classes.writeDataset("fsc", [Double](repeating: 0.5, count: k * (n / 2 + 1)), shape: [k, n / 2 + 1])
        }
    }

    @Test func aFormatOneCheckpointIsReadButNotContinued() throws {
        let data = temporaryFolder("format-one"), out = temporaryFolder("format-one-run") + "/run"
        let star = try writePhantom(to: data, count: 60, snr: 1, seed: 7)
        let config = try phantomConfig(cycles: 2)
        _ = try runJob(RunRequest(config: config, inputs: RunInputPaths(particles: star), output: out, continuing: false,
                                  commandLine: []))
        let folder = RunFolder(out)
        let current = try RunState.read(from: folder.checkpoint)
        #expect(current.storedFormatVersion == RunState.formatVersion)
        try FileManager.default.removeItem(atPath: folder.checkpoint)
        try Self.writeFormatOne(current, to: folder.checkpoint)
        let old = try RunState.read(from: folder.checkpoint)
        #expect(old.storedFormatVersion == 1 && old.classification.classVolumes.allSatisfy { $0.size == current.boxSize })
        let continued = RunRequest(config: try config.replacing(cycles: 4, threads: 1, checkpointEvery: 100),
                                   inputs: RunInputPaths(particles: star), output: out, continuing: true, commandLine: [])
        do {
            _ = try runJob(continued)
            Issue.record("a format-1 checkpoint was continued")
        } catch RankFailure.here(let error, _) {
            #expect(error is RunInputError)
            #expect("\(error)".contains("older Fovea") && "\(error)".contains(folder.checkpoint))
        }
    }
}
