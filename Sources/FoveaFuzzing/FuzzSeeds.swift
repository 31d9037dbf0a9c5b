import Foundation
import FoveaClassify
import FoveaCore
import FoveaIO
import FoveaRun

extension FuzzedReader {
    /// Valid inputs made by Fovea's own writers, from which the mutations start (small, so each
    /// case reads in well under a millisecond). `folder` must exist; files are written into it.
    public func seeds(in folder: String) throws -> [[UInt8]] {
        func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
        let table = Self.sampleTable()
        switch self {
        case .mrc:
            var random = SeededRandom(seed: 13)
            let volume = Volume(size: 6, pixelSize: 1.5, voxels: (0..<216).map { _ in Float(random.gaussian()) })
            try MRCWriter.write(volume, to: folder + "/seed-volume.mrc")
            let images = (0..<3).map { _ in Image2D(size: 8, pixelSize: 2, pixels: (0..<64).map { _ in Float(random.gaussian()) }) }
            try MRCWriter.write(stack: images, to: folder + "/seed-stack.mrcs")
            return [try bytes(folder + "/seed-volume.mrc"), try bytes(folder + "/seed-stack.mrcs")]
        case .relion31Star:
            try table.writeRelionStar(to: folder + "/seed31.star", version: .relion31)
            return [try bytes(folder + "/seed31.star")]
        case .relion30Star:
            try table.writeRelionStar(to: folder + "/seed30.star", version: .relion30)
            return [try bytes(folder + "/seed30.star")]
        case .cisTEMStar:
            try table.writeCisTEMStar(to: folder + "/seed-cistem.star", writeStackNames: true)
            return [try bytes(folder + "/seed-cistem.star")]
        case .par:
            try table.writeFrealignPar(to: folder + "/seed16.par", layout: .frealign16)
            try table.writeFrealignPar(to: folder + "/seed17.par", layout: .frealignX17)
            return [try bytes(folder + "/seed16.par"), try bytes(folder + "/seed17.par")]
        case .checkpoint:
            try Self.sampleState().write(to: folder + "/seed.h5")
            return [try bytes(folder + "/seed.h5")]
        case .checkpointContents:
            let state = try Self.sampleState()
            try state.write(to: folder + "/seed-contents.h5")
            let (config, inputs) = try HDF5File.read(folder + "/seed-contents.h5") { file in
                (try file.stringAttribute("config"), try file.stringAttribute("inputs"))
            }
            return [CheckpointContents.listing(of: state, configJSON: config, inputsJSON: inputs)]
        case .runManifest:
            // What `RunManifest` writes: the typed record with a real configuration.
            var session = RunManifestRecord.Session(commandLine: ["fovea", "classify", "--expand", "C2", "--classes", "2"],
                                                    started: "2026-01-01T00:00:00Z")
            session.ranks = 2
            session.outcome = "finished (cycle limit) after cycle 3"
            session.finishedAfterCycle = 3
            var record = RunManifestRecord(sessions: [session])
            record.foveaVersion = "fuzz"
            record.particleCount = 3
            record.config = try ClassificationConfig(classCount: 2, cycles: 3, outerRadius: 90, classificationResolution: 10,
                                                     referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200,
                                                     expansionGroup: "C2")
            record.inputs = RunInputPaths(particles: "particles.star")
            return [[UInt8](try record.encoded())]
        }
    }

    /// Three particles in two optics groups with every interpreted field set.
    static func sampleTable() -> ParticleTable {
        let particles = (0..<3).map { i in
            ParticleRecord(image: ImageLocation(path: "particles.mrcs", index: i),
                           angles: EulerAngles(phi: 10 * Double(i), theta: 45, psi: -30),
                           shiftX: 1.25, shiftY: -2.5, defocusU: 15_000 + 100 * Double(i), defocusV: 14_500,
                           astigmatismAngle: 33, phaseShift: i == 2 ? 90 : 0, voltage: i == 2 ? 200 : 300,
                           sphericalAberration: 2.7, amplitudeContrast: 0.1, pixelSize: 1.5, imageSize: 8,
                           opticsGroup: i == 2 ? 2 : 1, halfSet: 1 + i % 2,
                           classValues: [ClassValues(occupancy: 60, logP: -1234, sigma: 1.5, score: 20, scoreChange: 0.5)])
        }
        return ParticleTable(particles: particles)
    }

    /// A two-class run state of three particles × two operators at box 4.
    static func sampleState() throws -> RunState {
        let config = try ClassificationConfig(classCount: 2, cycles: 2, outerRadius: 10, classificationResolution: 8,
                                              referenceBand: ReferenceBand(low: 100, high: 8), molecularMass: 100,
                                              expansionGroup: "C2")
        let rows = 6, k = 2, n = 4
        let volumes = (0..<k).map { c in Volume(size: n, pixelSize: 2, voxels: (0..<(n * n * n)).map { Float($0 + c) }) }
        let snapshot = ClassificationState(
            cycle: 0, occupancy: ClassTable(rowCount: rows, classCount: k, repeating: 50),
            logP: ClassTable(rowCount: rows, classCount: k, repeating: -10),
            bestClass: (0..<rows).map { Int32($0 % k) }, classVolumes: volumes,
            fscCurves: (0..<k).map { _ in [1, 0.9, 0.5] }, history: [])
        return RunState(config: config, inputs: RunInputPaths(particles: "particles.star"), particleCount: 3,
                        boxSize: n, pixelSize: 2, classification: snapshot)
    }
}
