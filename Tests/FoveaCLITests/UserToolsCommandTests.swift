import Foundation
import Testing

/// `fovea mask`, `expand`, `select`, `collapse` run as the built executable.
@Suite struct UserToolsCommandTests {
    /// Runs the `fovea` next to the test bundle in `folder`; (status, stdout + stderr).
    fileprivate func fovea(_ arguments: [String], in folder: String) throws -> (status: Int32, output: String) {
        let result = try FoveaProcess.run(arguments, in: folder)
        return (result.status, result.output)
    }

    fileprivate func folder(_ tag: String) throws -> String {
        let path = NSTemporaryDirectory() + "fovea-cli-usertools-\(tag)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Data rows of a RELION STAR's particle loop (lines naming an image).
    fileprivate func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("@stack.mrcs") }.map { $0.split(separator: " ").map(String.init) }
    }

    static let header = """
        # version 30001

        data_optics

        loop_
        _rlnOpticsGroup #1
        _rlnVoltage #2
        _rlnSphericalAberration #3
        _rlnAmplitudeContrast #4
        _rlnImagePixelSize #5
        1 300 2.7 0.1 2.0

        data_particles

        loop_
        _rlnImageName #1
        _rlnAngleRot #2
        _rlnAngleTilt #3
        _rlnAnglePsi #4
        _rlnDefocusU #5
        _rlnDefocusV #6
        _rlnOpticsGroup #7

        """

    @Test func expandSelectAndCollapseRoundTrip() throws {
        let dir = try folder("expand")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = [("30.5", "45.25", "-60.0"), ("-120.0", "100.0", "10.5"), ("75.0", "20.0", "170.0")]
        let text = Self.header + input.enumerated().map { i, a in "00000\(i + 1)@stack.mrcs \(a.0) \(a.1) \(a.2) 15000 14000 1" }
            .joined(separator: "\n") + "\n"
        try text.write(toFile: dir + "/in.star", atomically: true, encoding: .utf8)
        let expand = try fovea(["expand", "--i", "in.star", "--group", "C2", "--out", "expanded.star"], in: dir)
        #expect(expand.status == 0, "\(expand.output)")
        // One name per concept: --particles/--output, with RELION's --i/--o (and the older --out) accepted.
        let named = try fovea(["expand", "--particles", "in.star", "--group", "C2", "--output", "named.star"], in: dir)
        let relion = try fovea(["expand", "--i", "in.star", "--group", "C2", "--o", "relion.star"], in: dir)
        #expect(named.status == 0 && relion.status == 0, "\(named.output) \(relion.output)")
        let expandedRows = try rows(dir + "/expanded.star")
        #expect(try rows(dir + "/named.star") == expandedRows)
        #expect(try rows(dir + "/relion.star") == expandedRows)
        let expanded = try rows(dir + "/expanded.star")
        #expect(expanded.count == 6)
        // C2: rot + 180°
        #expect(abs(Double(expanded[1][1])! + 149.5) < 1e-9 && abs(Double(expanded[1][2])! - 45.25) < 1e-9
                && abs(Double(expanded[1][3])! + 60) < 1e-9, "\(expanded[1])")

        // A run STAR as classify writes it: class of copy s of particle p = 1 + (p + s) % 2.
        var run = try String(contentsOfFile: dir + "/expanded.star", encoding: .utf8)
        let operatorHeader = try #require(run.split(separator: "\n").first { $0.hasPrefix("_rlnFoveaOperatorIndex") })
        let n = Int(operatorHeader.split(separator: "#")[1].trimmingCharacters(in: .whitespaces))!
        run = run.replacingOccurrences(of: String(operatorHeader), with: String(operatorHeader) + "\n"
            + ["rlnClassNumber", "rlnFoveaOccupancy1", "rlnFoveaOccupancy2"].enumerated().map { "_\($1) #\(n + 1 + $0)" }.joined(separator: "\n"))
        run = run.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.contains("@stack.mrcs") else { return String(line) }
            let fields = line.split(separator: " ")
            let p = Int(fields[fields.count - 2])!, s = Int(fields[fields.count - 1])!
            return line + ((p + s) % 2 == 0 ? " 1 90 10" : " 2 30 70")
        }.joined(separator: "\n")
        try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
        try run.write(toFile: dir + "/run/particles.star", atomically: true, encoding: .utf8)
        try #"{"command_line": ["fovea", "classify", "--expand", "C2"]}"#.write(toFile: dir + "/run/run.json", atomically: true, encoding: .utf8)

        let select = try fovea(["select", "--run", "run", "--classes", "2", "--original-view", "--out", "sel.star"], in: dir)
        #expect(select.status == 0, "\(select.output)")
        #expect(select.output.contains("once with its input view"))
        let selected = try rows(dir + "/sel.star")
        #expect(selected.count == 3)  // every particle has one copy in class 2; input angles back
        for (row, a) in zip(selected, input) {
            #expect(abs(Double(row[1])! - Double(a.0)!) < 1e-6 && abs(Double(row[2])! - Double(a.1)!) < 1e-6
                    && abs(Double(row[3])! - Double(a.2)!) < 1e-6, "\(row)")
        }
        // By default the kept copies, each with its own view (the old --keep-expanded, still accepted).
        let expandedSelect = try fovea(["select", "--run", "run", "--classes", "2", "--out", "selx.star"], in: dir)
        #expect(expandedSelect.status == 0)
        #expect(expandedSelect.output.contains("each kept copy with its own view"))
        #expect(try rows(dir + "/selx.star").map { $0[12] } == ["2", "1", "2"])  // operator of each kept copy
        let oldFlag = try fovea(["select", "--run", "run", "--classes", "2", "--keep-expanded", "--out", "selx2.star"], in: dir)
        let oldRows = try rows(dir + "/selx2.star"), newRows = try rows(dir + "/selx.star")
        #expect(oldFlag.status == 0 && oldRows == newRows)

        let collapse = try fovea(["collapse", "--run", "run", "--out", "collapsed.star"], in: dir)
        #expect(collapse.status == 0, "\(collapse.output)")
        let collapsed = try rows(dir + "/collapsed.star")
        #expect(collapsed.map { Array($0.suffix(3)) } == [["1", "1", "2"], ["2", "2", "1"], ["1", "1", "2"]])
        #expect(collapse.output.contains("rlnClassNumber 2: copy 1 in class 2, copy 2 in class 1 (1 particle)"))
        #expect(try String(contentsOfFile: dir + "/collapsed_legend.tsv", encoding: .utf8)
                == "rlnClassNumber\tclass_of_copy_1\tclass_of_copy_2\tparticles\n1\t1\t2\t2\n2\t2\t1\t1\n")
        #expect(collapsed.map { $0[1] } == input.map(\.0))

        let bad = try fovea(["select", "--run", "run", "--classes", "7", "--out", "x.star"], in: dir)
        #expect(bad.status != 0 && bad.output.contains("class 7 is not in this run"))
    }

    @Test func maskPrintsTheSphereAndWritesPreviews() throws {
        let dir = try folder("mask")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = try fovea(["mask", "--sphere", "40,30,36,8", "--origin", "corner", "--box", "32", "--pixel-size", "2",
                              "--out", "m.mrc", "--preview", "p"], in: dir)
        #expect(made.status == 0, "\(made.output)")
        #expect(made.output.contains("centre of mass, Å from the map corner: 40.00, 30.00, 36.00"))
        #expect(made.output.contains("centre of mass, Å from the map centre: 8.00, -2.00, 4.00"))
        #expect(made.output.contains("--sphere 40.00,30.00,36.00,") && made.output.contains("--sphere-origin corner"))
        for name in ["section_z", "section_y", "section_x", "projection_z", "projection_y", "projection_x"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/p/\(name).png"))
            #expect(data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        }
        let outside = try fovea(["mask", "--sphere", "40,30,36,8", "--origin", "centre", "--box", "32", "--pixel-size", "2",
                                 "--out", "m2.mrc"], in: dir)
        #expect(outside.status != 0 && outside.output.contains("reaches outside"), "\(outside.output)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/m2.mrc"))
        let empty = try fovea(["mask", "--from-mask", "m.mrc", "--like", "m.mrc", "--box", "40", "--out", "m3.mrc"], in: dir)
        #expect(empty.status != 0 && empty.output.contains("--box 40 differs"), "\(empty.output)")
    }
}
