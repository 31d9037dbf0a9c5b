import Foundation
import FoveaCore
import FoveaIO

extension HumanoidParticleDataset {
    /// Writes `particles.mrcs` (RELION's convention: white protein, i.e. the negative of
    /// `image(_:)`), `particles.star` (RELION 3.1; image names relative to `folder`; half sets
    /// alternating 1, 2) and `truth.star` (`data_truth`: `_foveaParticleIndex`, `_foveaScenario`,
    /// `_foveaHumanoidMap`, and per side S ∈ {A, B}: `_foveaSide{S}Arm` (1 lowered, 2 raised),
    /// `_foveaSide{S}Hand`, `_foveaSide{S}Foot` (0/1), `_foveaSide{S}Label` (the scenario's state
    /// label of the side, 1-based)). Images are made state by state (`produceImages`) into one
    /// buffer in particle order; `progress` sees the count done after each state.
    public func write(to folder: String, progress: @escaping (Int) -> Void = { _ in }) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let n = settings.grid.size, pixels = n * n
        var stack = [Float](repeating: 0, count: draws.count * pixels)
        stack.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            produceImages(Array(draws.indices), progress: progress) { index, image in
                for i in 0..<pixels { output[index * pixels + i] = -image.pixels[i] }
            }
        }
        try MRCWriter.write(stackValues: stack, imageSize: n, pixelSize: settings.grid.pixelSize, to: folder + "/particles.mrcs")
        let grid = settings.grid
        let imperfections = settings.imperfections
        let records = draws.enumerated().map { i, d in
            var record = ParticleRecord(image: ImageLocation(path: "particles.mrcs", index: i), angles: d.angles, shiftX: d.shiftX,
                           shiftY: d.shiftY, defocusU: d.ctf.defocusU, defocusV: d.ctf.defocusV,
                           astigmatismAngle: d.ctf.astigmatismAngle, voltage: d.ctf.voltage,
                           sphericalAberration: d.ctf.sphericalAberration, amplitudeContrast: d.ctf.amplitudeContrast,
                           pixelSize: grid.pixelSize, imageSize: grid.size, halfSet: i % 2 + 1)
            if imperfections.isActive { record.extraValues = [String(format: "mic%06d", imperfections.micrograph(of: i) + 1)] }
            return record
        }
        try ParticleTable(particles: records, extraColumns: imperfections.isActive ? ["rlnMicrographName"] : [])
            .writeRelionStar(to: folder + "/particles.star", version: .relion31)
        let junk = imperfections.junkFraction > 0 ? draws.indices.map { conditions(of: $0).isJunk } : nil
        try Self.truthDocument(draws.map(\.truth), junk: junk).write(to: folder + "/truth.star")
    }

    /// The `data_truth` table of the file contract (docs/humanoid.md).
    /// With `junk`, a last column `_foveaJunk` (1 for an image without a humanoid).
    static func truthDocument(_ truths: [HumanoidParticleTruth], junk: [Bool]? = nil) -> StarDocumentFile {
        var columns = ["foveaParticleIndex", "foveaScenario", "foveaHumanoidMap"]
        for side in ["A", "B"] { columns += ["Arm", "Hand", "Foot", "Label"].map { "foveaSide\(side)\($0)" } }
        if junk != nil { columns.append("foveaJunk") }
        let rows = truths.enumerated().map { i, truth -> [String] in
            var row = [String(i + 1), String(truth.scenario.rawValue), String(truth.catalogNumber)]
            for side in HumanoidSide.allCases {
                let parts = truth.state[side]
                row += [String(parts.arm.rawValue + 1), parts.handPresent ? "1" : "0", parts.footPresent ? "1" : "0",
                        String(truth.label(of: side) + 1)]
            }
            if let junk { row.append(junk[i] ? "1" : "0") }
            return row
        }
        return StarDocumentFile(document: StarDocument(blocks: [StarBlock(name: "truth", loops: [StarLoop(columns: columns, rows: rows)])]))
    }
}

/// A STAR document ready to be written.
struct StarDocumentFile {
    let document: StarDocument
    func write(to path: String) throws { try StarWriter.write(document, to: path) }
}
