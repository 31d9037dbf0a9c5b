import Foundation
import Testing
import FoveaCore
import FoveaIO

/// cisTEM STAR and Frealign .par: fixtures (Fixtures/*.par, cistem_class1.star, hand-written per
/// docs/algorithm.md §10) hold the same four particles as the RELION fixture, so reading all of
/// them must give the same orientations, shifts and CTF: this checks every sign convention.
@Suite struct CisTEMAndParTests {
    static func relionParticles() throws -> [ParticleRecord] {
        try ParticleTable(relionStarAt: try fixturePath("relion/proj.star")).particles
    }

    static func readPar(_ name: String) throws -> ParticleTable {
        try ParticleTable(frealignParAt: try fixturePath(name), stackPath: "proj.mrcs", pixelSize: 2, voltage: 300,
                          sphericalAberration: 2.7, amplitudeContrast: 0.1)
    }

    /// Same image, geometry and CTF as the RELION particle; `phaseShift: false` for the 16-column
    /// .par, which has no phase-shift column (RELION particle 4 has 30°).
    static func expectSameParticle(_ a: ParticleRecord, _ b: ParticleRecord, phaseShift: Bool = true) {
        #expect(a.image == b.image)
        #expect(a.angles == b.angles, "\(a.angles) vs \(b.angles)")
        #expect(a.shiftX == b.shiftX && a.shiftY == b.shiftY, "shift \(a.shiftX),\(a.shiftY) vs \(b.shiftX),\(b.shiftY)")
        #expect(a.defocusU == b.defocusU && a.defocusV == b.defocusV && a.astigmatismAngle == b.astigmatismAngle)
        if phaseShift { #expect(a.phaseShift == b.phaseShift) }
        #expect(a.voltage == b.voltage && a.sphericalAberration == b.sphericalAberration)
        #expect(a.amplitudeContrast == b.amplitudeContrast && a.pixelSize == b.pixelSize)
    }

    @Test func cisTEMStarFixtureMatchesRelionParticles() throws {
        let table = try ParticleTable(cisTEMStarAt: try fixturePath("cistem_class1.star"), stackPath: "proj.mrcs")
        let relion = try Self.relionParticles()
        #expect(table.count == 4)
        for (a, b) in zip(table.particles, relion) { Self.expectSameParticle(a, b) }
        #expect(table.particles.map(\.isActive) == [true, true, false, true])
        #expect(table.particles.map(\.halfSet) == [1, 2, 1, 2])
        #expect(table.particles[1].classValues == [ClassValues(occupancy: 63.25, logP: -2987, sigma: 0.7999, score: 10.5, scoreChange: 1.25)])
        #expect(table.extraColumns.first == "cisTEMBeamTiltX" && table.extraColumns.count == 8)
        #expect(table.extraValue("cisTEMImageShiftY", particle: 3) == "-2.50")
    }

    @Test func cisTEMRoundTripIsExact() throws {
        let folder = try makeTemporaryFolder("cistem-rt")
        defer { removeFolder(folder) }
        var table = try ParticleTable(cisTEMStarAt: try fixturePath("cistem_class1.star"), stackPath: "proj.mrcs")
        table.particles[0].shiftX = 0.3
        table.particles[0].classValues[0].logP = -3021.12345678
        try table.writeCisTEMStar(to: folder + "/c.star")
        #expect(try ParticleTable(cisTEMStarAt: folder + "/c.star", stackPath: "proj.mrcs") == table)
        // Binary noise of arithmetic is not written: 0.1 + 0.2 reads back as 0.3.
        var noisy = table
        noisy.particles[0].shiftX = 0.1 + 0.2
        try noisy.writeCisTEMStar(to: folder + "/c.star")
        #expect(try ParticleTable(cisTEMStarAt: folder + "/c.star", stackPath: "proj.mrcs") == table)
        // Particles from two stacks: the stack name column is written and read back.
        table.particles[2].image.path = "other.mrcs"
        try table.writeCisTEMStar(to: folder + "/c2.star")
        #expect(try ParticleTable(cisTEMStarAt: folder + "/c2.star", stackPath: "ignored.mrcs") == table)
    }

    @Test func cisTEMMissingRequiredColumnIsNamed() throws {
        let text = try String(contentsOfFile: try fixturePath("cistem_class1.star"), encoding: .utf8)
        let broken = text.replacingOccurrences(of: "_cisTEMDefocus2 #8", with: "_cisTEMSomethingElse #8")
        let error = #expect(throws: FormatError.self) {
            try ParticleTable(cisTEM: try StarParser.parse(broken, file: "b.star"), file: "b.star", stackPath: "s")
        }
        #expect(error?.file == "b.star" && error?.location == "data_" && error?.field == "cisTEMDefocus2")
    }

    @Test(arguments: ["frealignx_17col.par", "frealign_16col.par"])
    func parFixturesMatchRelionParticles(name: String) throws {
        let table = try Self.readPar(name)
        let relion = try Self.relionParticles()
        let is17 = name.contains("17")
        #expect(table.count == 4)
        for (a, b) in zip(table.particles, relion) { Self.expectSameParticle(a, b, phaseShift: is17) }
        if !is17 { #expect(table.particles.allSatisfy { $0.phaseShift == 0 }) }
        #expect(table.particles.map(\.isActive) == [true, true, false, true])
        // Particle 4's LogP field touches the OCC field ("36.75-123456789"): fixed-width cutting.
        #expect(table.particles[3].classValues == [ClassValues(occupancy: 36.75, logP: -123456789, sigma: 0.9001, score: 11.11, scoreChange: 0)])
        #expect(table.extraValue(ParticleTable.parMagnificationColumn, particle: 0) == (is17 ? "0" : "50000"))
        #expect(table.extraValue(ParticleTable.parFilmColumn, particle: 1) == (is17 ? "1" : "7"))
    }

    @Test(arguments: [("frealignx_17col.par", FrealignParLayout.frealignX17), ("frealign_16col.par", .frealign16)])
    func parRoundTripReproducesTheFile(name: String, layout: FrealignParLayout) throws {
        let folder = try makeTemporaryFolder("par-rt")
        defer { removeFolder(folder) }
        let table = try Self.readPar(name)
        try table.writeFrealignPar(to: folder + "/out.par", layout: layout)
        func dataLines(_ path: String) throws -> [Substring] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("C") }
        }
        #expect(try dataLines(folder + "/out.par") == (try dataLines(try fixturePath(name))))
        #expect(try ParticleTable(frealignParAt: folder + "/out.par", stackPath: "proj.mrcs", pixelSize: 2, voltage: 300,
                                  sphericalAberration: 2.7, amplitudeContrast: 0.1) == table)
    }

    @Test func whitespaceSeparatedParLinesAreAccepted() throws {
        let folder = try makeTemporaryFolder("par-ws")
        defer { removeFolder(folder) }
        let path = folder + "/ws.par"
        try "C free format\n1 10 20 30 1.5 -2.5 0 1 9000 8000 45 7.5 99 -5 1.2 3.4 0.1\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let p = try ParticleTable(frealignParAt: path, stackPath: "s.mrcs", pixelSize: 1, voltage: 200,
                                  sphericalAberration: 2, amplitudeContrast: 0.07).particles[0]
        #expect(p.angles == EulerAngles(phi: 30, theta: 20, psi: 10) && p.shiftX == 1.5 && p.shiftY == -2.5)
        #expect(p.phaseShift == 7.5 && p.classValues[0].occupancy == 99 && p.classValues[0].logP == -5)
    }

    @Test func malformedParLineNamesLineAndField() throws {
        let folder = try makeTemporaryFolder("par-bad")
        defer { removeFolder(folder) }
        let lines = try String(contentsOfFile: try fixturePath("frealignx_17col.par"), encoding: .utf8)
            .components(separatedBy: "\n")
        let path = folder + "/bad.par"
        var bad = lines
        bad[2] = bad[2].replacingOccurrences(of: "   45.00", with: "   4x.00")   // THETA of particle 2
        try bad.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: FormatError.self) { try Self.readParAt(path) }
        #expect(error?.file == path && error?.location == "line 3" && error?.field == "THETA")
        bad = lines
        bad[3] = "      3   12.25   90.00"
        try bad.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let short = #expect(throws: FormatError.self) { try Self.readParAt(path) }
        #expect(short?.location == "line 4" && short?.message.contains("3 values") == true)
        // Mixing layouts in one file is refused.
        let sixteen = try String(contentsOfFile: try fixturePath("frealign_16col.par"), encoding: .utf8).components(separatedBy: "\n")
        bad = lines
        bad[4] = sixteen[4]
        try bad.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let mixed = #expect(throws: FormatError.self) { try Self.readParAt(path) }
        #expect(mixed?.location == "line 5")
    }

    @Test func valuesTooWideForParFieldsAreRefusedAndOldFileKept() throws {
        let folder = try makeTemporaryFolder("par-wide")
        defer { removeFolder(folder) }
        let path = folder + "/w.par"
        var table = try Self.readPar("frealignx_17col.par")
        try table.writeFrealignPar(to: path, layout: .frealignX17)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        table.particles[1].defocusU = 123_456_789
        let error = #expect(throws: FormatError.self) { try table.writeFrealignPar(to: path, layout: .frealignX17) }
        #expect(error?.location == "particle 2")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func relionTableConvertsToParAndCisTEMAndBack() throws {
        let folder = try makeTemporaryFolder("cross")
        defer { removeFolder(folder) }
        let relion = try ParticleTable(relionStarAt: try fixturePath("relion/proj.star"))
        try relion.writeFrealignPar(to: folder + "/r.par", layout: .frealignX17)
        let fromPar = try ParticleTable(frealignParAt: folder + "/r.par", stackPath: "proj.mrcs", pixelSize: 2, voltage: 300,
                                        sphericalAberration: 2.7, amplitudeContrast: 0.1)
        for (a, b) in zip(fromPar.particles, relion.particles) { Self.expectSameParticle(a, b) }
        try relion.writeCisTEMStar(to: folder + "/r.star")
        let fromCisTEM = try ParticleTable(cisTEMStarAt: folder + "/r.star", stackPath: "proj.mrcs")
        for (a, b) in zip(fromCisTEM.particles, relion.particles) { Self.expectSameParticle(a, b); #expect(a.halfSet == b.halfSet) }
    }

    static func readParAt(_ path: String) throws -> ParticleTable {
        try ParticleTable(frealignParAt: path, stackPath: "s", pixelSize: 1, voltage: 300, sphericalAberration: 2.7,
                          amplitudeContrast: 0.1)
    }
}

@Suite struct StarFamilyDetectionTests {
    @Test func relionAndCisTEMFilesAreToldApart() throws {
        let relion = try ParticleTable(starAt: try fixturePath("relion/proj.star"))
        #expect(relion == (try ParticleTable(relionStarAt: try fixturePath("relion/proj.star"))))
        let cistem = try ParticleTable(starAt: try fixturePath("cistem_class1.star"), stackPath: "proj.mrcs")
        #expect(cistem == (try ParticleTable(cisTEMStarAt: try fixturePath("cistem_class1.star"), stackPath: "proj.mrcs")))
        let error = #expect(throws: FormatError.self) { try ParticleTable(starAt: try fixturePath("cistem_class1.star")) }
        #expect(error?.field == "cisTEMStackFilename")
    }
}
