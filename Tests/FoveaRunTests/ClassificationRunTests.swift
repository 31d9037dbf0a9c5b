import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaDistributed
import FoveaIO
import FoveaRun
import FoveaSimulate

/// The job driver end to end on one process: run folder contents, stop by signal and continue,
/// refusal to overwrite. Serialized: the stop signal is process-wide.
@Suite(.serialized) struct ClassificationRunTests {
    @Test func runFolderHoldsEveryOutputAndTheyAgree() throws {
        let data = temporaryFolder("outputs"), out = temporaryFolder("outputs-run") + "/run"
        let star = try writePhantom(to: data, count: 120, snr: 1, seed: 3, c2: true)
        let request = RunRequest(config: try phantomConfig(cycles: 3, expand: "C2"), inputs: RunInputPaths(particles: star),
                                 output: out, continuing: false, commandLine: ["fovea", "classify", "test"])
        let (outcome, lines) = try runJob(request)
        #expect(outcome == .finished(.cycleLimit))
        #expect(lines.filter { $0.hasPrefix("cycle ") }.count == 3)
        #expect(lines.contains { $0.contains("ETA") })
        let folder = RunFolder(out)
        for path in [folder.state, folder.checkpoint, folder.manifest, folder.progressLog, folder.particles,
                     folder.classVolume(0), folder.classVolume(1), folder.halfMap(1, half: 2), folder.cisTEMTable(1),
                     folder.frealignTable(0)] {
            #expect(FileManager.default.fileExists(atPath: path), "\(path)")
        }
        // run.h5 holds the class volumes written as MRC, and the STAR holds its classes.
        let state = try RunState.read(from: folder.state)
        #expect(state.classification.cycle == 3 && state.particleCount == 120 && state.config.operatorCount == 2)
        let mrc = try MRCReader(path: folder.classVolume(1)).volume()
        #expect(mrc.voxels == state.writtenClassMaps[1].voxels)
        #expect(state.densityScale != nil)
        let table = try ParticleTable(relionStarAt: folder.particles)
        #expect(table.count == 240)
        let classColumn = try #require(table.extraColumns.firstIndex(of: "rlnClassNumber"))
        let operatorColumn = try #require(table.extraColumns.firstIndex(of: "rlnFoveaOperatorIndex"))
        let best = try #require(state.classification.bestClass)
        for (row, record) in table.particles.enumerated() {
            #expect(record.extraValues[classColumn] == String(best[row] + 1))
            #expect(record.extraValues[operatorColumn] == String(row % 2 + 1))
        }
        // Copy 2 of a particle is seen along S₂·M (C2 about z: φ + 180° for this convention).
        let input = try ParticleTable(relionStarAt: star)
        let group = try PointGroup(name: "C2")
        let expected = RotationMatrix(input.particles[7].angles.premultiplied(by: group.operators[1]))
        #expect(RotationMatrix(table.particles[15].angles).maxAbsDifference(to: expected) < 1e-6)
        #expect(RotationMatrix(table.particles[14].angles).maxAbsDifference(to: RotationMatrix(input.particles[7].angles)) < 1e-6)
        // progress.jsonl has one parsable line per cycle.
        let log = try String(contentsOfFile: folder.progressLog, encoding: .utf8).split(separator: "\n")
        #expect(log.count == 3)
        let last = try JSONSerialization.jsonObject(with: Data(log[2].utf8)) as? [String: Any]
        #expect(last?["cycle"] as? Int == 3)
        #expect(ProgressRecord.records(inLog: log.joined(separator: "\n")).map(\.cycle) == [1, 2, 3])
        // run.json records the command line.
        let manifest = try String(contentsOfFile: folder.manifest, encoding: .utf8)
        #expect(manifest.contains("\"test\"") && manifest.contains("finished"))
    }

    @Test func stopSignalCheckpointsAndContinueGivesTheUninterruptedRun() throws {
        let data = temporaryFolder("continue"), base = temporaryFolder("continue-runs")
        let star = try writePhantom(to: data, count: 150, snr: 0.5, seed: 4)
        let config = try phantomConfig(cycles: 5)
        let full = RunRequest(config: config, inputs: RunInputPaths(particles: star), output: base + "/full",
                              continuing: false, commandLine: [])
        _ = try runJob(full)
        StopSignal.reset()
        StopSignal.simulate(SIGUSR1)
        defer { StopSignal.reset() }
        let stopped = RunRequest(config: config, inputs: RunInputPaths(particles: star), output: base + "/stopped",
                                 continuing: false, commandLine: [])
        let (outcome, lines) = try runJob(stopped)
        #expect(outcome == .checkpointed(cycle: 1, signal: SIGUSR1))
        #expect(lines.last?.contains("fovea classify --continue") == true)
        #expect(!FileManager.default.fileExists(atPath: RunFolder(base + "/stopped").state))
        // run.json says where it stopped, in a field the report reads (not only in words).
        let session = try RunManifestRecord.read(from: RunFolder(base + "/stopped").manifest)?.sessions.last
        #expect(session?.stoppedAfterCycle == 1 && session?.finishedAfterCycle == nil)
        #expect(session?.outcome == "checkpointed after cycle 1 (SIGUSR1)")
        StopSignal.reset()
        // A new run may not overwrite the stopped one.
        #expect(throws: (any Error).self) {
            _ = try runJob(RunRequest(config: config, inputs: RunInputPaths(particles: star),
                                      output: base + "/stopped", continuing: false, commandLine: []))
        }
        let continued = RunRequest(config: try config.replacing(cycles: 5, threads: 1, checkpointEvery: 2),
                                   inputs: RunInputPaths(particles: star), output: base + "/stopped", continuing: true,
                                   commandLine: [])
        let (end, _) = try runJob(continued)
        #expect(end == .finished(.cycleLimit))
        let a = try RunState.read(from: RunFolder(base + "/full").state)
        let b = try RunState.read(from: RunFolder(base + "/stopped").state)
        #expect(a.classification.occupancy == b.classification.occupancy)
        #expect(a.classification.classVolumes == b.classification.classVolumes)
        #expect(a.classification.history.map(\.statistics) == b.classification.history.map(\.statistics))
    }

    @Test func badInputsNameTheFileAndField() throws {
        let data = temporaryFolder("bad")
        let star = try writePhantom(to: data, count: 10, snr: 1, seed: 1)
        func message(_ inputs: RunInputPaths, _ config: ClassificationConfig? = nil) -> String {
            do {
                _ = try runJob(RunRequest(config: try config ?? phantomConfig(cycles: 1), inputs: inputs,
                                          output: temporaryFolder("bad-out") + "/run", continuing: false, commandLine: []))
                return ""
            } catch RankFailure.here(let error, _) { return "\(error)" } catch { return "\(error)" }
        }
        #expect(message(RunInputPaths(particles: data + "/missing.star")).contains("missing.star: no such file"))
        #expect(message(RunInputPaths(particles: star, references: [data + "/nothing.mrc"])).contains("nothing.mrc: no such file"))
        // A reference of another box.
        try MRCWriter.write(Volume(size: 32, pixelSize: 4), to: data + "/small.mrc")
        #expect(message(RunInputPaths(particles: star, references: [data + "/small.mrc"])).contains("small.mrc: the reference is 32 px but the particles are 48 px"))
        // A reference with another pixel size.
        try MRCWriter.write(Volume(size: 48, pixelSize: 5), to: data + "/pixel.mrc")
        #expect(message(RunInputPaths(particles: star, references: [data + "/pixel.mrc"])).contains("5.0 Å/px but the particles have 4.0 Å/px"))
        // A truncated stack.
        let stack = data + "/particles.mrcs"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: stack))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: stack))
        let truncated = message(RunInputPaths(particles: star))
        #expect(truncated.contains("particles.mrcs"), "\(truncated)")
        // NaNs in an image.
        let nanData = temporaryFolder("nan")
        let nanStar = try writePhantom(to: nanData, count: 6, snr: 1, seed: 1)
        var images = try MRCReader(path: nanData + "/particles.mrcs").allImages()
        images[3].pixels[100] = .nan
        try MRCWriter.write(stack: images, to: nanData + "/particles.mrcs")
        // (named by the stack reader with the table, the image and the pixel, before the engine's own check)
        #expect(message(RunInputPaths(particles: nanStar)).contains("particle 4 (000004@particles.mrcs): pixel 4, 2 of the image is nan"))
        // Unknown STAR column names are kept, not rejected; a missing required one is named.
        let text = try String(contentsOfFile: nanStar, encoding: .utf8).replacingOccurrences(of: "_rlnDefocusV", with: "_rlnDefocusVee")
        try text.write(toFile: nanData + "/renamed.star", atomically: true, encoding: .utf8)
        #expect(message(RunInputPaths(particles: nanData + "/renamed.star")).contains("rlnDefocusV"))
    }
}

/// With a simulator's truth, every cycle's kappa is printed and logged.
@Suite struct KappaPerCycleTests {
    @Test func truthGivesKappaEveryCycle() throws {
        let data = temporaryFolder("kappa-data"), out = temporaryFolder("kappa-run") + "/run"
        var settings = HumanoidParticleDataset.Settings(scenario: .armsMove, count: 300, snr: 1, seed: 2)
        settings.grid = HumanoidGrid(size: 40, pixelSize: 10.48)
        try HumanoidParticleDataset(settings: settings).write(to: data)
        let config = try ClassificationConfig(classCount: 2, cycles: 3, focus: .twoD,
                                              sphere: FocusSphere(x: 78.6, y: 5.2, z: 60.3, radius: 62.5, origin: .centre),
                                              outerRadius: 190, classificationResolution: 25,
                                              referenceBand: ReferenceBand(low: 300, high: 25), molecularMass: 200,
                                              expansionGroup: "C2", threads: 2,
                                              convergence: ConvergenceCriteria(classAverageChange: 0, changedFraction: 0, minimumCycles: 3))
        let (_, lines) = try runJob(RunRequest(config: config, inputs: RunInputPaths(particles: data + "/particles.star"),
                                               output: out, continuing: false, commandLine: [], truth: data + "/truth.star"))
        #expect(lines.filter { $0.hasPrefix("cycle ") && $0.contains(" kappa ") }.count == 3, "\(lines)")
        let log = try String(contentsOfFile: RunFolder(out).progressLog, encoding: .utf8).split(separator: "\n")
        let last = try #require(try JSONSerialization.jsonObject(with: Data(log.last!.utf8)) as? [String: Any])
        let kappa = try #require(last["kappa"] as? Double)
        print("kappa after 3 cycles: \(kappa)")
        #expect(kappa > 0.8)
    }
}
