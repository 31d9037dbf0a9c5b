import Foundation
import Testing
import FoveaCore
import FoveaIO

/// Real files written by RELION 3.1/5, cryoSPARC and EMPIAR depositions (cryoDRGN 4.3.1's
/// tests/data, fetched and checksum-verified by scripts/testing/fetch-fixtures.sh into a cache
/// outside git). Expected values were read from the same files with NumPy and a plain text split,
/// independently of Fovea's readers.
enum RealFixtures {
    /// The cache folder: $FOVEA_FIXTURES, else ${XDG_CACHE_HOME:-~/.cache}/fovea-fixtures; nil
    /// when it does not hold the files.
    static let folder: String? = {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")
        let folder = environment["FOVEA_FIXTURES"] ?? (cache + "/fovea-fixtures")
        return FileManager.default.fileExists(atPath: folder + "/toy_projections.mrcs") ? folder : nil
    }()

    static let absentMessage: Comment = "real-file fixtures absent: run scripts/testing/fetch-fixtures.sh (scripts/test.sh does)"

    static func path(_ name: String) -> String { (folder ?? "") + "/" + name }
}

@Suite(.enabled(if: RealFixtures.folder != nil, RealFixtures.absentMessage))
struct RealFileFixtureTests {
    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

    @Test func relion31StarAndItsStackReadWithTheirValues() throws {
        let table = try ParticleTable(starAt: RealFixtures.path("relion31.star"))
        #expect(table.count == 5)
        let first = table.particles[0]
        #expect(first.image == ImageLocation(path: "relion31.mrcs", index: 0))
        #expect(first.angles == EulerAngles(phi: -102.30296, theta: 82.318041, psi: 124.706463))
        #expect(first.shiftX == -0.019324 && first.shiftY == 0.64686)
        #expect(first.defocusU == 13108.082418 && first.defocusV == 12845.582418 && first.astigmatismAngle == -160.39)
        #expect(first.voltage == 300 && first.sphericalAberration == 0.01 && first.amplitudeContrast == 0.1)
        #expect(first.pixelSize == 2.806 && first.imageSize == 256 && first.halfSet == 1 && first.opticsGroup == 1)
        let last = table.particles[4]
        #expect(last.image.index == 4 && last.angles.phi == 162.855018 && last.angles.psi == 140.014019 && last.shiftX == 0.33773)
        #expect(table.unmodelledOpticsColumns.isEmpty)

        // The optics block after the particles (relion31.v2.star) reads the same.
        #expect(try ParticleTable(starAt: RealFixtures.path("relion31.v2.star")) == table)

        let images = try MRCReader.readImages(at: table.particles.map(\.image), relativeTo: RealFixtures.folder)
        #expect(images.count == 5 && images.allSatisfy { $0.size == 256 })
        let mean = images[0].pixels.reduce(0.0) { $0 + Double($1) } / Double(images[0].pixels.count)
        #expect(close(mean, -0.017717848, 1e-5))
        #expect(images[0][20, 10] == 1.0237429 && images[4][37, 100] == -1.1233622)
    }

    @Test func sixOpticsGroupsReadPerGroupAndTheUnmodelledOpticsAreNamed() throws {
        let file = RealFixtures.path("relion31.6opticsgroups.star")
        let table = try ParticleTable(starAt: file)
        #expect(table.count == 139)
        #expect(Set(table.particles.map(\.opticsGroup)) == Set(1...6))
        #expect(Set(table.particles.map(\.pixelSize)) == [1.24, 1.25])
        #expect(table.particles.allSatisfy { $0.voltage == 200 && $0.amplitudeContrast == 0.1 })
        #expect(table.particles.filter { $0.opticsGroup == 4 }.allSatisfy { $0.sphericalAberration == 2.6 })
        #expect(table.particles.filter { [2, 5].contains($0.opticsGroup) }.allSatisfy { $0.pixelSize == 1.24 })
        let first = table.particles[0]
        #expect(first.opticsGroup == 6 && first.image == ImageLocation(path: "Polish/job520/Micrographs/0003_shiny.mrcs", index: 2))
        #expect(first.angles == EulerAngles(phi: -128.10516, theta: 37.068920, psi: -82.17809))
        #expect(first.shiftX == -13.284554 && first.shiftY == 3.21701 && first.halfSet == 2)
        let unmodelled = ["rlnBeamTiltX", "rlnBeamTiltY", "rlnEvenZernike", "rlnMagMat00", "rlnMagMat01", "rlnMagMat10",
                          "rlnMagMat11", "rlnOddZernike"]
        #expect(table.unmodelledOpticsColumns == unmodelled)
        let notice = try #require(table.unmodelledOpticsNotice(file: file))
        #expect(notice.contains(file) && unmodelled.allSatisfy(notice.contains))
    }

    @Test func relion5StarReadsWithItsValues() throws {
        let table = try ParticleTable(starAt: RealFixtures.path("relion5.star"))
        #expect(table.count == 17)
        let first = table.particles[0]
        #expect(first.image == ImageLocation(path: "toy_images_a.mrcs", index: 0))
        #expect(first.angles == EulerAngles(phi: 111.508618, theta: 36.742536, psi: 141.158035))
        #expect(first.shiftX == 3.12578 && first.shiftY == 1.41031 && first.defocusU == 11949.061330)
        #expect(first.voltage == 100 && first.sphericalAberration == 1.6 && first.pixelSize == 0.89 && first.imageSize == 448)
        #expect(table.particles[16].image == ImageLocation(path: "toy_images_b.mrcs", index: 5))
        #expect(Dictionary(grouping: table.particles, by: \.halfSet).mapValues(\.count) == [1: 11, 2: 6])
        // Beam tilt, Zernike coefficients and a non-identity magnification matrix; premultiplied is 0.
        #expect(table.unmodelledOpticsColumns.contains("rlnBeamTiltX") && table.unmodelledOpticsColumns.contains("rlnMagMat00"))
        #expect(!table.unmodelledOpticsColumns.contains("rlnCtfDataAreCtfPremultiplied"))
    }

    /// Files without a column Fovea needs are refused with the file and the column named.
    @Test(arguments: [("FinalRefinement-OriginalParticles-PfCRT.star", "rlnAmplitudeContrast"),
                      ("toy_projections.star", "rlnAngleRot"), ("empiar_10076_7.star", "rlnAngleRot")])
    func filesMissingARequiredColumnAreRefusedByName(file: String, column: String) throws {
        let path = RealFixtures.path(file)
        let error = try #require(throws: FormatError.self) { try ParticleTable(starAt: path) }
        #expect(error.file == path && error.field == column)
        #expect(error.description.contains(file) && error.description.contains(column))
    }

    @Test func toyProjectionStackReadsWithItsValues() throws {
        let reader = try MRCReader(path: RealFixtures.path("toy_projections.mrcs"))
        #expect(reader.imageCount == 1000)
        let last = try reader.image(at: 999)
        #expect(last.size == 30 && last[14, 15] == 2.1834722)
        let sum = try reader.image(at: 0).pixels.reduce(0.0) { $0 + Double($1) }
        #expect(abs(sum - 179.59038) < 1e-3)
    }
}
