import Foundation
import Testing
import FoveaCore
import FoveaIO

/// The RELION fixture (Fixtures/relion, made by relion_project; see Fixtures/README.md) and
/// RELION STAR round trips.
@Suite struct RelionStarTests {
    /// The particle rows of proj.star split on white space by hand, independently of StarParser:
    /// column name → values.
    static func independentParse(_ path: String) throws -> [String: [String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let start = lines.firstIndex(of: "data_particles")!
        var names: [String] = [], rows: [[String]] = []
        for line in lines[start...] {
            let fields = line.split(separator: " ").map(String.init)
            if line.hasPrefix("_rln") { names.append(String(fields[0].dropFirst())) }
            else if !names.isEmpty && fields.count == names.count { rows.append(fields) }
        }
        var columns: [String: [String]] = [:]
        for (k, name) in names.enumerated() { columns[name] = rows.map { $0[k] } }
        return columns
    }

    @Test func relionProjectFixtureReadsAsRelionWroteIt() throws {
        let path = try fixturePath("relion/proj.star")
        let table = try ParticleTable(relionStarAt: path)
        let raw = try Self.independentParse(path)
        #expect(table.count == 4 && raw["rlnImageName"]?.count == 4)
        for (i, p) in table.particles.enumerated() {
            func value(_ column: String) -> Double { Double(raw[column]![i])! }
            #expect(p.image == ImageLocation(path: "proj.mrcs", index: i))
            #expect(p.angles == EulerAngles(phi: value("rlnAngleRot"), theta: value("rlnAngleTilt"), psi: value("rlnAnglePsi")))
            #expect(p.shiftX == -value("rlnOriginXAngst") && p.shiftY == -value("rlnOriginYAngst"))
            #expect(p.defocusU == value("rlnDefocusU") && p.defocusV == value("rlnDefocusV"))
            #expect(p.astigmatismAngle == value("rlnDefocusAngle") && p.phaseShift == value("rlnPhaseShift"))
            #expect(p.halfSet == Int(raw["rlnRandomSubset"]![i])!)
            #expect(p.voltage == 300 && p.sphericalAberration == 2.7 && p.amplitudeContrast == 0.1)
            #expect(p.pixelSize == 2 && p.imageSize == 24 && p.opticsGroup == 1)
        }
        // Spot values typed from the file, so a wrong column mapping cannot hide behind the parse above.
        #expect(table.particles[1].angles == EulerAngles(phi: 30, theta: 45, psi: -60))
        #expect(table.particles[1].shiftX == -4 && table.particles[1].shiftY == 2)
        #expect(table.particles[3].phaseShift == 30 && table.particles[2].astigmatismAngle == -20)
        #expect(table.opticsExtras[1] == [StarPair(key: "rlnOpticsGroupName", value: "opticsGroup1"),
                                         StarPair(key: "rlnImageDimensionality", value: "2")])
    }

    @Test func relionProjectImagesMatchRelionStatistics() throws {
        let path = try fixturePath("relion/proj.star")
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let table = try ParticleTable(relionStarAt: path)
        let images = try MRCReader.readImages(at: table.particles.map(\.image), relativeTo: folder)
        let statsText = try String(contentsOfFile: try fixturePath("relion/proj_stats.txt"), encoding: .utf8)
        let lines = statsText.split(separator: "\n")
        #expect(lines.count == 4)
        for (image, line) in zip(images, lines) {
            #expect(image.size == 24 && image.pixelSize == 2)
            let v = image.pixels.map(Double.init)
            let mean = v.reduce(0, +) / Double(v.count)
            let sd = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot()
            // RELION prints 6 significant digits.
            #expect(abs(mean - number(after: "avg=", in: line)) <= 1e-5 * max(1, abs(mean)))
            #expect(abs(sd - number(after: "stddev=", in: line)) <= 1e-5 * sd)
            #expect(abs(v.max()! - number(after: "maxval=", in: line)) <= 1e-5 * abs(v.max()!))
        }
    }

    @Test func relion30FixtureMatchesTheSameParticles() throws {
        let t30 = try ParticleTable(relionStarAt: try fixturePath("relion/relion30_particles.star"))
        let t31 = try ParticleTable(relionStarAt: try fixturePath("relion/proj.star"))
        #expect(t30.count == 4)
        for (a, b) in zip(t30.particles, t31.particles) {
            #expect(a.image == b.image && a.angles == b.angles && a.shiftX == b.shiftX && a.shiftY == b.shiftY)
            #expect(a.defocusU == b.defocusU && a.defocusV == b.defocusV && a.astigmatismAngle == b.astigmatismAngle)
            #expect(a.phaseShift == b.phaseShift && a.voltage == b.voltage && a.pixelSize == 2 && a.halfSet == b.halfSet)
        }
        #expect(t30.extraColumns == ["rlnCoordinateX", "rlnCoordinateY", "rlnMicrographName", "rlnClassNumber"])
        #expect(t30.extraValue("rlnMicrographName", particle: 0) == "mic one.mrc")
    }

    @Test(arguments: [RelionStarVersion.relion31, .relion30])
    func roundTripIsExact(version: RelionStarVersion) throws {
        let folder = try makeTemporaryFolder("relion-rt")
        defer { removeFolder(folder) }
        var table = try ParticleTable(relionStarAt: try fixturePath("relion/relion30_particles.star"))
        table.particles[2].defocusU = 12345.6789012     // 12 significant digits survive exactly
        table.particles[0].opticsGroup = 3       // two optics groups
        let path = folder + "/rt.star"
        try table.writeRelionStar(to: path, version: version)
        let back = try ParticleTable(relionStarAt: path)
        #expect(back.particles == table.particles && back.extraColumns == table.extraColumns)
        // Binary noise of arithmetic (0.1 + 0.2 = 0.30000000000000004) is written as the decimal it stands for.
        table.particles[2].shiftX = 0.1 + 0.2
        try table.writeRelionStar(to: path, version: version)
        #expect(try ParticleTable(relionStarAt: path).particles[2].shiftX == 0.3)
        #expect(try !String(contentsOfFile: path, encoding: .utf8).contains("0000000"))
        // Written 3.1 files gain optics names/dimensionality; from then on the table is a fixed point.
        try back.writeRelionStar(to: path, version: version)
        #expect(try ParticleTable(relionStarAt: path) == back)
    }

    @Test func missingRequiredColumnNamesFileBlockAndColumn() throws {
        let folder = try makeTemporaryFolder("relion-missing")
        defer { removeFolder(folder) }
        let text = try String(contentsOfFile: try fixturePath("relion/proj.star"), encoding: .utf8)
        let path = folder + "/missing.star"
        try text.replacingOccurrences(of: "_rlnDefocusV #7", with: "_rlnSomethingElse #7")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: FormatError.self) { try ParticleTable(relionStarAt: path) }
        #expect(error?.file == path && error?.location == "data_particles" && error?.field == "rlnDefocusV")
        // A non-numeric angle names line and column.
        try text.replacingOccurrences(of: "-75.50000", with: "minus75")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let bad = #expect(throws: FormatError.self) { try ParticleTable(relionStarAt: path) }
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains("-75.50000") }! + 1
        #expect(bad?.field == "rlnAngleRot" && bad?.location == "line \(line)")
    }

    @Test func unknownOpticsGroupAndBadHalfSetNameLineAndColumn() throws {
        let text = try String(contentsOfFile: try fixturePath("relion/proj.star"), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let row = lines.firstIndex { $0.contains("000002@proj.mrcs") }!
        let original = lines[row]
        // Columns 10 and 11 of the particle rows are rlnOpticsGroup and rlnRandomSubset.
        func replacingField(_ k: Int, with value: String) -> String {
            var fields = original.split(separator: " ").map(String.init)
            fields[k] = value
            return fields.joined(separator: " ")
        }
        for (k, value, field) in [(9, "5", "rlnOpticsGroup"), (10, "3", "rlnRandomSubset")] {
            lines[row] = replacingField(k, with: value)
            let error = #expect(throws: FormatError.self) {
                try ParticleTable(relion: try StarParser.parse(lines.joined(separator: "\n"), file: "g.star"), file: "g.star")
            }
            #expect(error?.location == "line \(row + 1)" && error?.field == field)
        }
    }

    @Test func conflictingOpticsWithinAGroupIsRefused() throws {
        var table = try ParticleTable(relionStarAt: try fixturePath("relion/proj.star"))
        table.particles[3].voltage = 200
        let error = #expect(throws: FormatError.self) { try table.relionDocument(version: .relion31, file: "o.star") }
        #expect(error?.field == "rlnVoltage" && error?.location == "particle 4")
    }
}
