import Foundation
import Testing
import FoveaCore
import FoveaIO

/// cryoSPARC `.cs` files from the real-file fixtures (`RealFixtures`): values against NumPy and
/// against pyem csparc2star's published conventions, and the RELION STAR of the same particles.
@Suite(.enabled(if: RealFixtures.folder != nil, RealFixtures.absentMessage))
struct RealCryoSparcFileTests {
    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

    @Test func empiarCsGivesTheSameCtfAsItsStarAndItsImagesRead() throws {
        let csPath = RealFixtures.path("empiar_10076_7.cs")
        let refused = try #require(throws: FormatError.self) { try ParticleTable(cryoSPARCAt: csPath) }
        #expect(refused.field == "alignments3D/pose" && refused.description.contains("empiar_10076_7.cs"))

        let cs = try ParticleTable(cryoSPARCAt: csPath, requiringAlignments: false)
        let star = try StarParser.parse(contentsOf: RealFixtures.path("empiar_10076_7.star"))
        let loop = try #require(star.blocks.first?.table)
        func column(_ name: String) -> [Double] {
            let k = loop.columnIndex(name)!
            return loop.rows.map { Double($0[k])! }
        }
        #expect(cs.count == 7 && loop.rows.count == 7)
        let starPixel = zip(column("rlnDetectorPixelSize"), column("rlnMagnification")).map { $0 * 10_000 / $1 }
        for (i, p) in cs.particles.enumerated() {
            #expect(p.image == ImageLocation(path: RealFixtures.path("empiar_10076_7.mrc"), index: i))
            // float32 in the .cs, decimals in the STAR.
            #expect(abs(p.defocusU - column("rlnDefocusU")[i]) < 0.01 && abs(p.defocusV - column("rlnDefocusV")[i]) < 0.01)
            #expect(abs(p.astigmatismAngle - column("rlnDefocusAngle")[i]) < 1e-4)
            #expect(close(p.voltage, column("rlnVoltage")[i]) && close(p.sphericalAberration, column("rlnSphericalAberration")[i]))
            #expect(close(p.amplitudeContrast, column("rlnAmplitudeContrast")[i]) && close(p.pixelSize, starPixel[i]))
            #expect(p.imageSize == 320 && p.halfSet == 0 && p.angles == EulerAngles(phi: 0, theta: 0, psi: 0))
        }
        #expect(try CryoSparcParticles.invertContrast(csFile: csPath) == false)   // blob/sign −1: dark protein
        // The MRC (it has the "MAP " ID) reads with the values NumPy reads.
        let images = try MRCReader.readImages(at: cs.particles.map(\.image))
        #expect(images[1][161, 160] == 1.2316787 && images[6][319, 0] == 0.78251374)
    }

    @Test func cryoSPARCRefinementParticlesGiveCsparc2starsAnglesShiftsAndCtf() throws {
        let table = try ParticleTable(cryoSPARCAt: RealFixtures.path("cryosparc_P12_J24_001_particles.cs"))
        #expect(table.count == 2019)
        #expect(Dictionary(grouping: table.particles, by: \.halfSet).mapValues(\.count) == [1: 1010, 2: 1009])
        #expect(Set(table.particles.map(\.image.path)).count == 50)
        #expect(table.particles.allSatisfy { $0.pixelSize == Double(Float(2.95)) && $0.imageSize == 180 && $0.voltage == 200 })
        // (row, rot, tilt, psi, rlnOriginXAngst, rlnOriginYAngst, defocus U, V, angle) by csparc2star's published
        // conventions, computed with NumPy: A = (Rodrigues matrix of the pose)ᵀ decomposed as RELION does,
        // origin = shift × blob/psize_A, angle = degrees(df_angle_rad).
        let expected: [(Int, Double, Double, Double, Double, Double, Double, Double, Double)] = [
            (0, -157.80848736, 118.79097176, 34.68329967, 33.43640792, -5.39296884, 45591.37, 45309.793, -78.1310939912878),
            (1, 51.95248639, 110.21105768, 92.7571866, 3.73359381, -13.68984397, 45591.37, 45309.793, -78.1310939912878),
            (1000, -153.82078582, 82.72488736, 25.94677727, 16.3448443, -6.88640608, 18073.785, 16760.695, 2.3413090196444464),
            (2018, -131.14900071, 121.78462163, -111.96442217, -10.70296878, 24.47578165, 22815.318, 21894.865, 6.554399791705976),
        ]
        for (row, rot, tilt, psi, originX, originY, u, v, angle) in expected {
            let p = table.particles[row]
            let want = EulerAngles(phi: rot, theta: tilt, psi: psi)
            #expect(RotationMatrix(p.angles).maxAbsDifference(to: RotationMatrix(want)) < 1e-6)
            #expect(abs(p.angles.phi - rot) < 1e-4 && abs(p.angles.theta - tilt) < 1e-4 && abs(p.angles.psi - psi) < 1e-4)
            #expect(abs(p.shiftX + originX) < 1e-5 && abs(p.shiftY + originY) < 1e-5)
            #expect(abs(p.defocusU - u) < 0.01 && abs(p.defocusV - v) < 0.01 && abs(p.astigmatismAngle - angle) < 1e-5)
        }
        #expect(table.particles[2018].image == ImageLocation(
            path: "J19/extract/20150917_05265_DNA-TET-25k-DE20_raw.region_000.sum-all_003-072_particles.mrc", index: 124))
        #expect(table.particles[1].halfSet == 1 && table.particles[0].halfSet == 2)
        #expect(table.unmodelledOpticsColumns.isEmpty)
    }

    @Test func cryoSPARCExportWithout3DAlignmentsIsRefusedForClassificationAndReadForInspection() throws {
        let path = RealFixtures.path("cryosparc_J2_particles_exported.cs")
        let error = try #require(throws: FormatError.self) { try ParticleTable(cryoSPARCAt: path) }
        #expect(error.field == "alignments3D/pose" && error.description.contains("cryosparc_J2_particles_exported.cs"))
        let table = try ParticleTable(cryoSPARCAt: path, requiringAlignments: false)
        #expect(table.count == 22)
        // ">" marks an imported file's project-relative path; it is dropped.
        #expect(table.particles.enumerated().allSatisfy {
            $1.image == ImageLocation(path: "J1/imported/000090334788266266069_18jam15b_0345_ali_DW.mrcs", index: $0)
        })
        #expect(abs(table.particles[0].defocusU - 16412.178) < 0.01 && abs(table.particles[21].astigmatismAngle - 49.36828630196117) < 1e-5)
        #expect(table.particles[0].pixelSize == Double(Float(1.3450001)) && table.particles[0].opticsGroup == 1)
    }
}
