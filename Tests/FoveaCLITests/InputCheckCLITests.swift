import Foundation
import Testing

/// Writes a mode-2 (Float32) little-endian MRC of `nz` sections of nx × ny, pixel size `pixel` Å;
/// `value(x, y, z)` gives each value.
func writeTestMRC(_ path: String, nx: Int, ny: Int, nz: Int, pixel: Float, value: (Int, Int, Int) -> Float) throws {
    var header = [UInt8](repeating: 0, count: 1024)
    func put<T>(_ x: T, at offset: Int) { withUnsafeBytes(of: x) { for (i, b) in $0.enumerated() { header[offset + i] = b } } }
    for (i, v) in [Int32(nx), Int32(ny), Int32(nz), 2, 0, 0, 0, Int32(nx), Int32(ny), Int32(nz)].enumerated() { put(v, at: 4 * i) }
    for (i, v) in [Float(nx) * pixel, Float(ny) * pixel, Float(nz) * pixel, 90, 90, 90].enumerated() { put(v, at: 40 + 4 * i) }
    for (i, v) in [Int32(1), 2, 3].enumerated() { put(v, at: 64 + 4 * i) }
    header.replaceSubrange(208..<212, with: Array("MAP ".utf8))
    header.replaceSubrange(212..<216, with: [0x44, 0x44, 0, 0])
    var values: [Float] = []
    for z in 0..<nz { for y in 0..<ny { for x in 0..<nx { values.append(value(x, y, z)) } } }
    let data = Data(header) + values.withUnsafeBytes { Data($0) }
    try data.write(to: URL(fileURLWithPath: path))
}

/// `inspect` checks a table and its images with classify's own functions: what classify refuses,
/// inspect refuses (exit 2) with the same message; and every command finds a table's stacks by
/// the same rule (the working folder first, as RELION, then the table's folder).
@Suite(.serialized) struct InputCheckCLITests {
    static var fixture: String { OptionTestFixture.shared.folder }

    static func classify(_ table: String, in folder: String, extra: [String] = []) throws -> FoveaProcess.Result {
        try FoveaProcess.run(["classify", "-i", table, "--classes", "2", "--resolution", "10", "--outer-radius", "90",
                              "--cycles", "1", "-o", "run-\(UUID().uuidString)"] + extra, in: folder, timeLimit: 300)
    }

    /// Content classify refuses: inspect exited 0 on each of these.
    @Test func inspectRefusesWhatClassifyRefuses() throws {
        let folder = FoveaProcess.temporaryFolder("refused")
        let star = try String(contentsOfFile: Self.fixture + "/data/particles.star", encoding: .utf8)
        let stack = Self.fixture + "/data/particles.mrcs"
        let rows = star.split(separator: "\n", omittingEmptySubsequences: false)
        let header = rows.prefix { !$0.contains("@particles.mrcs") }.joined(separator: "\n")
        func table(_ name: String, _ text: String, stack stackPath: String = stack) throws {
            try FileManager.default.createDirectory(atPath: folder + "/" + name, withIntermediateDirectories: true)
            try text.replacingOccurrences(of: "@particles.mrcs", with: "@" + stackPath)
                .write(toFile: "\(folder)/\(name)/particles.star", atomically: true, encoding: .utf8)
        }
        try table("empty", header + "\n")
        try table("negative-pixel", star.replacingOccurrences(of: "0.07  4.0  48", with: "0.07  -6.55  48"))
        try writeTestMRC(folder + "/wide.mrcs", nx: 48, ny: 40, nz: 40, pixel: 4) { x, y, _ in Float(x + y) }
        try table("non-square", star, stack: folder + "/wide.mrcs")
        try writeTestMRC(folder + "/small.mrcs", nx: 40, ny: 40, nz: 40, pixel: 4) { x, y, _ in Float(x - y) }
        try table("other-box", star, stack: folder + "/small.mrcs")
        try writeTestMRC(folder + "/nan.mrcs", nx: 48, ny: 48, nz: 40, pixel: 4) { x, y, z in
            z == 2 && x == 5 && y == 7 ? .nan : z == 39 && x == 1 ? .infinity : Float(x * y % 7)
        }
        try table("nan", star, stack: folder + "/nan.mrcs")
        try "C only comments\nC     PSI   THETA     PHI\n".write(toFile: folder + "/comments.par", atomically: true, encoding: .utf8)

        // (table, inspect's options, classify's options or nil when classify finds another problem first, message)
        let cases: [(table: String, inspectExtra: [String], classifyExtra: [String]?, message: String)] = [
            ("empty/particles.star", [], [], "the table holds no particles"),
            ("negative-pixel/particles.star", [], [], "pixel size -6.55 Å is outside the physical range"),
            ("non-square/particles.star", [], [], "Fovea needs square images"),
            ("other-box/particles.star", [], [], "the image is 40 px but the table says 48 px"),
            ("nan/particles.star", [], nil, "particle 40 (000040@\(folder)/nan.mrcs): pixel 1, 0 of the image is inf"),
            ("nan/particles.star", ["--check-images"], [], "particle 3 (000003@\(folder)/nan.mrcs): pixel 5, 7 of the image is nan"),
            ("comments.par", ["--stack", stack, "--pixel-size", "4"], ["--stack", stack, "--pixel-size", "4"], "the table holds no particles"),
        ]
        for (path, inspectExtra, classifyExtra, message) in cases {
            let inspect = try FoveaProcess.run(["inspect", path] + inspectExtra, in: folder, timeLimit: 120)
            #expect(inspect.status == 2 && inspect.output.contains(message), "inspect \(path): \(inspect.output)")
            if let classifyExtra {
                let classify = try Self.classify(path, in: folder, extra: classifyExtra)
                #expect(classify.status == 2 && classify.output.contains(message), "classify \(path): \(classify.output)")
            }
        }
        // Without --check-images the NaN inside the stack is not read; with it, it is (above).
        let good = try FoveaProcess.run(["inspect", Self.fixture + "/data/particles.star", "--check-images"], in: folder)
        #expect(good.status == 0 && good.output.contains("all 40 images read and checked in 1 stack(s)"), "\(good.output)")
    }

    /// A RELION project: run_data.star in Refine3D/job001/, image names relative to the project
    /// folder (Extract/job002/…), commands run from the project folder. `inspect --check-images`
    /// looked beside the STAR and failed where classify worked. A decoy stack beside the STAR (at
    /// the path relative to the table's folder) must not be taken: the working folder comes first.
    @Test func everyCommandFindsStacksOfARelionProject() throws {
        let project = FoveaProcess.temporaryFolder("relion-project")
        let manager = FileManager.default
        for folder in ["Extract/job002", "Refine3D/job001/Extract/job002"] {
            try manager.createDirectory(atPath: project + "/" + folder, withIntermediateDirectories: true)
        }
        try manager.copyItem(atPath: Self.fixture + "/data/particles.mrcs", toPath: project + "/Extract/job002/particles.mrcs")
        try writeTestMRC(project + "/Refine3D/job001/Extract/job002/particles.mrcs", nx: 40, ny: 40, nz: 40, pixel: 4) { _, _, _ in 0 }
        let star = try String(contentsOfFile: Self.fixture + "/data/particles.star", encoding: .utf8)
        try star.replacingOccurrences(of: "@particles.mrcs", with: "@Extract/job002/particles.mrcs")
            .write(toFile: project + "/Refine3D/job001/run_data.star", atomically: true, encoding: .utf8)
        let table = "Refine3D/job001/run_data.star"

        let inspect = try FoveaProcess.run(["inspect", table, "--check-images"], in: project)
        #expect(inspect.status == 0 && inspect.output.contains("all 40 images read and checked"), "\(inspect.output)")
        let classify = try FoveaProcess.run(["classify", "-i", table, "--classes", "2", "--resolution", "10", "--outer-radius", "90",
                                             "--focus", "2d", "--sphere", "42,0,0,32", "--sphere-origin", "centre", "--cycles", "1",
                                             "-o", "Class3D/job003"], in: project, timeLimit: 300)
        #expect(classify.status == 0, "\(classify.output)")
        let mask = try FoveaProcess.run(["mask", "--sphere", "0,0,0,20", "--origin", "centre", "--box", "48", "--pixel-size", "4",
                                         "--out", "mask.mrc", "--preview", "preview", "--particles", table], in: project)
        #expect(mask.status == 0 && manager.fileExists(atPath: project + "/preview/particle_000001.png"), "\(mask.output)")
        let report = try FoveaProcess.run(["report", "Class3D/job003"], in: project)
        #expect(report.status == 0, "\(report.output)")
        let html = (try? String(contentsOfFile: project + "/Class3D/job003/report.html", encoding: .utf8)) ?? ""
        #expect(html.contains("with the projected focus sphere"), "the report draws sample particles")

        // The same table moved with its stack beside it (Fovea's simulator layout), read from elsewhere.
        let elsewhere = FoveaProcess.temporaryFolder("elsewhere")
        let beside = try FoveaProcess.run(["inspect", Self.fixture + "/data/particles.star", "--check-images"], in: elsewhere)
        #expect(beside.status == 0, "\(beside.output)")
        // From elsewhere the project's relative names are looked up beside the table: the decoy there is read.
        let decoy = try FoveaProcess.run(["inspect", project + "/" + table], in: elsewhere)
        #expect(decoy.status == 2 && decoy.output.contains("the image is 40 px but the table says 48 px"), "\(decoy.output)")
        // Neither place: the error names the path the table gave.
        try manager.createDirectory(atPath: elsewhere + "/lone", withIntermediateDirectories: true)
        try manager.copyItem(atPath: project + "/" + table, toPath: elsewhere + "/lone/run_data.star")
        let missing = try FoveaProcess.run(["inspect", "lone/run_data.star"], in: elsewhere)
        #expect(missing.status == 2 && missing.output.contains("Extract/job002/particles.mrcs: no such image stack"), "\(missing.output)")
    }
}
