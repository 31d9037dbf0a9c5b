import Foundation
import FoveaAnalysis
import FoveaCore
import FoveaUserTools
import FoveaIO
import Testing
import _FoveaTestSupport

/// `fovea select` output in every format, read back by FoveaIO and by `relion_reconstruct`.
@Suite struct SelectReadBackTests {
    /// A run folder (particles.star per the contract) over a real 16-pixel stack; returns the folder.
    func makeRunFolder() throws -> (folder: String, input: ParticleTable) {
        let folder = try makeTestFolder("usertools-select")
        let input = sampleParticles(count: 10, stack: folder + "/stack.mrcs")
        var random = SeededRandom(seed: 3)
        let images = (0..<10).map { _ in Image2D(size: 16, pixelSize: 2, pixels: (0..<256).map { _ in Float(random.gaussian()) }) }
        try MRCWriter.write(stack: images, to: folder + "/stack.mrcs")
        let run = try makeRunTable(input, group: try PointGroup(name: "C2"), classes: 2) { p, s in p % 2 == 0 && s == 2 ? [30, 70] : [75, 25] }
        try FileManager.default.createDirectory(atPath: folder + "/run", withIntermediateDirectories: true)
        try run.writeRelionStar(to: folder + "/run/particles.star")
        return (folder, input)
    }

    @Test func selectedStarReadsBackInEveryFormat() throws {
        let (folder, input) = try makeRunFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rows = try RunParticleRows(runOrStar: folder + "/run")
        #expect(rows.count == 20 && rows.operatorCount == 2)
        let result = try ClassSelection.select(rows, rule: ClassSelectionRule(classes: [2]), group: try PointGroup(name: "C2"))
        #expect(result.selectedRows == 5 && result.table.count == 5)
        try result.table.writeRelionStar(to: folder + "/sel.star")
        let back = try ParticleTable(relionStarAt: folder + "/sel.star")
        let expected = input.particles.enumerated().filter { ($0.offset + 1) % 2 == 0 }.map(\.element)
        #expect(back.particles.map(\.image) == expected.map(\.image))
        for (a, b) in zip(back.particles, expected) {
            #expect(RotationMatrix(a.angles).maxAbsDifference(to: RotationMatrix(b.angles)) < 1e-9)
            #expect(a.shiftX == b.shiftX && a.defocusU == b.defocusU && a.halfSet == b.halfSet)
        }
        try result.table.removingColumns { _ in true }.writeCisTEMStar(to: folder + "/sel_cistem.star", writeStackNames: true)
        let cistem = try ParticleTable(cisTEMStarAt: folder + "/sel_cistem.star", stackPath: folder + "/stack.mrcs")
        #expect(cistem.particles.map(\.image.index) == expected.map(\.image.index))
    }

    @Test(.enabled(if: relionReconstructInstalled, "relion_reconstruct is not installed"))
    func relionReconstructAcceptsTheSelection() throws {
        let (folder, _) = try makeRunFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rows = try RunParticleRows(runOrStar: folder + "/run/particles.star")
        for keep in [false, true] {
            let result = try ClassSelection.select(rows, rule: ClassSelectionRule(classes: [1], keepExpanded: keep), group: nil)
            try result.table.writeRelionStar(to: folder + "/sel.star")
            let (status, output) = try runProgram("/usr/bin/relion_reconstruct",
                                               ["--i", "sel.star", "--o", "rec.mrc", "--angpix", "2"], in: folder)
            #expect(status == 0, "\(output)")
            let map = try MRCReader(path: folder + "/rec.mrc").volume()
            #expect(map.size == 16 && abs(map.pixelSize - 2) < 1e-3)
            #expect(map.voxels.contains { $0 != 0 })
            try FileManager.default.removeItem(atPath: folder + "/rec.mrc")
        }
    }
}
