import Foundation
import Testing
import FoveaCore
import FoveaIO

/// Damaged and implausible inputs give a `FormatError` naming file, place and field — never a
/// trap, a huge allocation or a silently wrong table (issue 13: defects 2, 7, 9, 17, 20).
@Suite struct ReaderRobustnessTests {
    /// A RELION 3.1 file of two particles with the given optics values and defocus.
    static func relion31(voltage: String = "300", cs: String = "2.7", amplitude: String = "0.1", pixel: String = "1.5",
                         defocusU: String = "15000", extraOpticsRow: String? = nil) -> String {
        """
        # version 30001
        data_optics
        loop_
        _rlnOpticsGroup #1
        _rlnVoltage #2
        _rlnSphericalAberration #3
        _rlnAmplitudeContrast #4
        _rlnImagePixelSize #5
        1 \(voltage) \(cs) \(amplitude) \(pixel)
        \(extraOpticsRow ?? "")

        data_particles
        loop_
        _rlnImageName #1
        _rlnAngleRot #2
        _rlnAngleTilt #3
        _rlnAnglePsi #4
        _rlnDefocusU #5
        _rlnDefocusV #6
        _rlnOpticsGroup #7
        1@s.mrcs 0 10 20 \(defocusU) 14000 1
        2@s.mrcs 5 15 25 12000 11000 1

        """
    }

    static func read(_ text: String, file: String = "t.star") throws -> ParticleTable {
        try ParticleTable(relion: try StarParser.parse(text, file: file), file: file)
    }

    /// The FormatError `body` throws (recorded as an issue when it throws none or another kind).
    static func formatError(_ body: () throws -> Void) -> FormatError? {
        do { try body() } catch let error as FormatError { return error } catch {
            Issue.record("expected a FormatError, got \(error)")
            return nil
        }
        Issue.record("expected a FormatError, nothing was thrown")
        return nil
    }

    // MARK: MRC header arithmetic (defect 2)

    @Test(arguments: [Int32.max, 1 << 30, 1 << 21])
    func hugeMRCDimensionsAreRefusedBeforeAllocating(dimension: Int32) throws {
        let folder = try makeTemporaryFolder("mrc-huge")
        defer { removeFolder(folder) }
        let path = folder + "/huge.mrc"
        try handMadeMRC(nx: dimension, ny: dimension, nz: dimension, mode: 2, cell: 1, bigEndian: false, data: [0, 0, 0, 0])
            .write(to: URL(fileURLWithPath: path))
        let error = Self.formatError { _ = try MRCReader(path: path) }
        #expect(error?.file == path)
        #expect(error?.field != nil && error?.location != nil)
    }

    /// 300 random plausible headers (the probe that crashed 100 of 300): every one opens with a
    /// consistent size or is refused; none traps.
    @Test func randomPlausibleMRCHeadersNeverTrap() throws {
        let folder = try makeTemporaryFolder("mrc-random")
        defer { removeFolder(folder) }
        var random = SeededRandom(seed: 2026)
        let extremes: [Int32] = [1, 2, 64, 4096, 65_536, 1 << 20, 1 << 30, Int32.max, 0, -1, Int32.min]
        var opened = 0
        for k in 0..<300 {
            func dimension() -> Int32 {
                random.next() % 2 == 0 ? extremes[Int(random.next() % UInt64(extremes.count))]
                    : Int32(truncatingIfNeeded: random.next() % UInt64(Int32.max)) + 1
            }
            let modes: [Int32] = [0, 1, 2, 6, 12, 3, 4, -1]
            let path = folder + "/h\(k).mrc"
            let data = handMadeMRC(nx: dimension(), ny: dimension(), nz: dimension(), mode: modes[Int(random.next() % 8)],
                                   cell: 1, bigEndian: random.next() % 2 == 0, extended: Int(random.next() % 3) * 8,
                                   data: [UInt8](repeating: 0, count: Int(random.next() % 2048)))
            try data.write(to: URL(fileURLWithPath: path))
            do {
                let reader = try MRCReader(path: path)
                #expect(reader.header.expectedFileSize <= reader.fileSize)
                _ = try reader.sectionValues(at: reader.header.nz - 1)
                opened += 1
            } catch let error as FormatError {
                #expect(error.file == path && !error.message.isEmpty)
            }
        }
        #expect(opened < 300)
    }

    @Test func extendedHeaderBeyondTheFileIsNamed() throws {
        let folder = try makeTemporaryFolder("mrc-nsymbt")
        defer { removeFolder(folder) }
        let path = folder + "/x.mrc"
        var data = handMadeMRC(nx: 2, ny: 2, nz: 1, mode: 2, cell: 1, bigEndian: false, data: [UInt8](repeating: 0, count: 16))
        data.replaceSubrange(92..<96, with: [0xFF, 0xFF, 0xFF, 0x7F])   // nsymbt = 2^31 − 1
        try data.write(to: URL(fileURLWithPath: path))
        #expect(Self.formatError { _ = try MRCReader(path: path) }?.field == "nsymbt")
    }

    // MARK: Optics ranges (defect 7)

    @Test(arguments: [("voltage", "0"), ("voltage", "-300"), ("voltage", "1e9"), ("amplitude", "1.5"), ("amplitude", "-0.1"),
                      ("cs", "-2.7"), ("cs", "500"), ("pixel", "0"), ("pixel", "-6.55"), ("pixel", "1e6"),
                      ("defocus", "nan"), ("defocus", "3e6"), ("defocus", "inf")])
    func unphysicalOpticsAreRefusedNamingTheRow(field: String, value: String) throws {
        let text: String
        switch field {
        case "voltage": text = Self.relion31(voltage: value)
        case "amplitude": text = Self.relion31(amplitude: value)
        case "cs": text = Self.relion31(cs: value)
        case "pixel": text = Self.relion31(pixel: value)
        default: text = Self.relion31(defocusU: value)
        }
        let error = Self.formatError { _ = try Self.read(text) }
        let column = ["voltage": "rlnVoltage", "amplitude": "rlnAmplitudeContrast", "cs": "rlnSphericalAberration",
                      "pixel": "rlnImagePixelSize", "defocus": "rlnDefocusU"][field]
        #expect(error?.field == column)
        #expect(error?.location?.hasPrefix("line ") == true)
        #expect(error?.file == "t.star")
    }

    /// Real microscopes' values, sampled over their ranges, all read unchanged.
    @Test func realOpticsAreAccepted() throws {
        var random = SeededRandom(seed: 7)
        for _ in 0..<50 {
            let voltage = [300.0, 200, 120, 100, 80][Int(random.next() % 5)]
            let cs = random.next() % 4 == 0 ? 0 : random.uniform(in: 0..<10)
            let amplitude = random.uniform(in: 0..<0.5), pixel = random.uniform(in: 0.3..<20)
            let defocus = random.uniform(in: -5_000..<80_000)
            let table = try Self.read(Self.relion31(voltage: String(voltage), cs: String(cs), amplitude: String(amplitude),
                                                    pixel: String(pixel), defocusU: String(defocus)))
            #expect(table.particles[0].voltage == voltage && table.particles[0].sphericalAberration == cs)
            #expect(table.particles[0].amplitudeContrast == amplitude && table.particles[0].pixelSize == pixel)
            #expect(table.particles[0].defocusU == defocus)
        }
    }

    @Test func unphysicalCisTEMAndParOpticsAreRefused() throws {
        let folder = try makeTemporaryFolder("optics-cistem")
        defer { removeFolder(folder) }
        let good = ParticleTable(particles: [ParticleRecord(
            image: ImageLocation(path: "s.mrcs", index: 0), angles: EulerAngles(phi: 1, theta: 2, psi: 3),
            defocusU: 10_000, defocusV: 9_000, voltage: 300, sphericalAberration: 2.7, amplitudeContrast: 0.07, pixelSize: 1.2)])
        var bad = good
        bad.particles[0].voltage = 0
        try bad.writeCisTEMStar(to: folder + "/c.star")
        #expect(Self.formatError { _ = try ParticleTable(cisTEMStarAt: folder + "/c.star", stackPath: "s.mrcs") }?.field
                == "cisTEMMicroscopeVoltagekV")
        try good.writeFrealignPar(to: folder + "/p.par", layout: .frealign16)
        let error = Self.formatError {
            _ = try ParticleTable(frealignParAt: folder + "/p.par", stackPath: "s.mrcs", pixelSize: 1.2, voltage: 300,
                                  sphericalAberration: 2.7, amplitudeContrast: 1.5)
        }
        #expect(error?.field == "amplitude contrast")
    }

    // MARK: Writer width (defect 9)

    @Test func oneHugeValueDoesNotPadEveryRow() throws {
        let rows = (0..<2000).map { i in [String(i), i == 7 ? String(repeating: "x", count: 200_000) : "v\(i)"] }
        let document = StarDocument(blocks: [StarBlock(name: "t", loops: [StarLoop(columns: ["a", "b"], rows: rows)])])
        let text = StarWriter.text(of: document)
        // Unpadded, the table is ≈ 200 kB + 2000 short rows; padded to the widest value it was 400 MB.
        #expect(text.utf8.count < 200_000 + 2000 * 40)
        #expect(try StarParser.parse(text, file: "w.star") == document)
    }

    // MARK: Silently accepted before (defect 17) and the byte-order mark (defect 20)

    @Test func duplicatedColumnIsRefused() throws {
        let text = Self.relion31().replacingOccurrences(of: "_rlnAnglePsi #4", with: "_rlnAnglePsi #4\n_rlnAngleRot #5")
        let error = Self.formatError { _ = try StarParser.parse(text, file: "d.star") }
        #expect(error?.field == "rlnAngleRot" && error?.location?.hasPrefix("line ") == true)
    }

    @Test func duplicatedOpticsGroupIsRefused() throws {
        let error = Self.formatError { _ = try Self.read(Self.relion31(extraOpticsRow: "1 200 2.7 0.1 1.5")) }
        #expect(error?.field == "rlnOpticsGroup" && error?.location == "line 10")
    }

    @Test func secondParticleBlockIsRefused() throws {
        let text = Self.relion31() + "data_particles\nloop_\n_rlnImageName #1\n3@s.mrcs\n"
        let error = Self.formatError { _ = try StarParser.parse(text, file: "b.star") }
        #expect(error?.field == "data_particles" && error?.location?.hasPrefix("line ") == true)
    }

    @Test func nulInsideANumberIsRefused() throws {
        let text = Self.relion31(defocusU: "15000\u{0}5")
        let error = Self.formatError { _ = try Self.read(text) }
        #expect(error?.message.contains("NUL") == true && error?.location?.hasPrefix("line ") == true)
    }

    @Test func leadingByteOrderMarkIsAccepted() throws {
        let plain = try Self.read(Self.relion31())
        #expect(try Self.read("\u{FEFF}" + Self.relion31()) == plain)
        let folder = try makeTemporaryFolder("bom")
        defer { removeFolder(folder) }
        let good = ParticleTable(particles: [ParticleRecord(
            image: ImageLocation(path: "s.mrcs", index: 0), angles: EulerAngles(phi: 1, theta: 2, psi: 3),
            defocusU: 10_000, defocusV: 9_000, voltage: 300, sphericalAberration: 2.7, amplitudeContrast: 0.07, pixelSize: 1.2)])
        try good.writeFrealignPar(to: folder + "/p.par", layout: .frealignX17)
        let withMark = Data([0xEF, 0xBB, 0xBF]) + (try Data(contentsOf: URL(fileURLWithPath: folder + "/p.par")))
        try withMark.write(to: URL(fileURLWithPath: folder + "/bom.par"))
        let read = { (path: String) in
            try ParticleTable(frealignParAt: path, stackPath: "s.mrcs", pixelSize: 1.2, voltage: 300,
                              sphericalAberration: 2.7, amplitudeContrast: 0.07)
        }
        #expect(try read(folder + "/bom.par") == read(folder + "/p.par"))
    }

    /// Windows line ends: every line of a .par file is read (they were one line before).
    @Test func parWithWindowsLineEndsReadsEveryLine() throws {
        let folder = try makeTemporaryFolder("crlf")
        defer { removeFolder(folder) }
        var table = ParticleTable()
        for i in 0..<3 {
            table.particles.append(ParticleRecord(
                image: ImageLocation(path: "s.mrcs", index: i), angles: EulerAngles(phi: 1, theta: 2, psi: 3),
                defocusU: 10_000, defocusV: 9_000, voltage: 300, sphericalAberration: 2.7, amplitudeContrast: 0.07, pixelSize: 1.2))
        }
        try table.writeFrealignPar(to: folder + "/p.par", layout: .frealign16)
        let text = try String(contentsOfFile: folder + "/p.par", encoding: .utf8).replacingOccurrences(of: "\n", with: "\r\n")
        try text.write(toFile: folder + "/crlf.par", atomically: true, encoding: .utf8)
        let read = try ParticleTable(frealignParAt: folder + "/crlf.par", stackPath: "s.mrcs", pixelSize: 1.2, voltage: 300,
                                     sphericalAberration: 2.7, amplitudeContrast: 0.07)
        #expect(read.count == 3 && read.particles[2].image.index == 2)
    }
}
