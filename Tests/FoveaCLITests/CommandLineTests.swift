import Foundation
import Testing

/// The `fovea` executable end to end: help texts, option errors, and a small simulate → classify
/// → kappa → report session in one process each (MPI singleton mode, no mpirun).
@Suite struct CommandLineTests {
    static let commands = ["info", "inspect", "simulate", "expand", "mask", "classify", "report", "select", "collapse",
                           "kappa", "covariance", "diffmap", "agreement"]

    @Test func helpListsEveryCommandAndEachHasAnExample() throws {
        let top = try FoveaProcess.run(["--help"])
        #expect(top.status == 0)
        for command in Self.commands {
            #expect(top.output.contains(command), "fovea --help lacks \(command)")
            let help = try FoveaProcess.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.output.contains("Example"), "fovea \(command) --help has no example")
        }
    }

    @Test func optionErrorsSayWhatToDo() throws {
        let none = try FoveaProcess.run(["classify"])
        #expect(none.status == 2)
        #expect(none.output.contains("give --particles"))
        let origin = try FoveaProcess.run(["classify", "-i", "x.star", "--classes", "2", "--resolution", "10",
                                            "--outer-radius", "90", "--focus", "2d", "--sphere", "1,2,3,4", "-o", "out"])
        #expect(origin.status != 0)
        #expect(origin.output.contains("--sphere-origin corner"), "\(origin.output)")
        let missing = try FoveaProcess.run(["classify", "-i", "/nonexistent/particles.star", "--classes", "2",
                                             "--resolution", "10", "--outer-radius", "90", "-o",
                                             FoveaProcess.temporaryFolder("missing") + "/run"])
        #expect(missing.status == 2)
        #expect(missing.output.contains("/nonexistent/particles.star: no such file"))
    }

    @Test("--focus 3d takes the consensus outside at weight 1, or each class's own at 0.25, unless --mask-outside and --mask-outside-weight say otherwise (run.json records both)",
          arguments: [nil, "own", "consensus"] as [String?], [nil, "0", "0.5"] as [String?])
    func threeDOutsideDefaults(source: String?, given: String?) throws {
        let fixture = OptionTestFixture.shared.folder
        let run = FoveaProcess.temporaryFolder("outside-weight") + "/run"
        var arguments = ["classify", "-i", "data/particles.star", "--classes", "2", "--resolution", "10", "--outer-radius", "90",
                         "--focus", "3d", "--mask", "mask.mrc", "--cycles", "1", "-o", run]
        if let source { arguments += ["--mask-outside", source] }
        if let given { arguments += ["--mask-outside-weight", given] }
        let result = try FoveaProcess.run(arguments, in: fixture)
        #expect(result.status == 0, "\(result.output)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/run.json"))) as? [String: Any]
        let config = (json?["config"] as? [String: Any]) ?? json
        let mask = config?["referenceMask"] as? [String: Any]
        let expectedSource = source ?? "consensus"
        #expect(mask?["outsideSource"] as? String == expectedSource)
        #expect(mask?["outsideWeight"] as? Double == (given.flatMap(Double.init) ?? (expectedSource == "own" ? 0.25 : 1)))
    }

    /// Every (option, focus mode) pair: an option the mode would ignore is refused by name with exit
    /// 2 and nothing written; the mode that reads it accepts it.
    @Test("An option read by one focus mode only is refused, naming it, under any other mode",
          arguments: [("--focus-edge", "5", ["2d"]), ("--mask-edge", "5", ["3d", "subtract"]),
                      ("--mask-outside", "own", ["3d"]), ("--mask-outside-weight", "0.5", ["3d"]),
                      ("--mask-lowpass", "20", ["3d"])] as [(String, String, [String])])
    func optionsAFocusModeIgnoresAreRefused(option: String, value: String, readBy: [String]) throws {
        let fixture = OptionTestFixture.shared.folder
        for mode in ["none", "2d", "3d", "subtract"] {
            let run = FoveaProcess.temporaryFolder("ignored-option") + "/run"
            var arguments = ["classify", "-i", "data/particles.star", "--classes", "2", "--resolution", "10", "--outer-radius", "90",
                             "--focus", mode, "--dry-run", "-o", run, option, value]
            if mode != "none" { arguments += ["--mask", "mask.mrc"] }
            let result = try FoveaProcess.run(arguments, in: fixture)
            if readBy.contains(mode) {
                #expect(result.status == 0, "\(option) with --focus \(mode): \(result.output)")
            } else {
                #expect(result.status == 2, "\(option) with --focus \(mode): \(result.output)")
                #expect(result.output.contains("\(option) is only used with --focus"), "\(result.output)")
                #expect(!FileManager.default.fileExists(atPath: run), "\(option) with --focus \(mode) wrote \(run)")
            }
        }
    }

    @Test func simulateClassifyKappaAndReport() throws {
        let folder = FoveaProcess.temporaryFolder("session")
        let simulate = try FoveaProcess.run(["selftest", "dataset", "--count", "300", "--snr", "0.5", "--output", "data"], in: folder)
        #expect(simulate.status == 0)
        let arguments = ["classify", "-i", "data/particles.star", "--classes", "2", "--focus", "2d",
                         "--sphere", "42,0,0,32", "--sphere-origin", "centre", "--resolution", "10",
                         "--outer-radius", "90", "--cycles", "6", "--threads", "2", "-o", "run"]
        // A memory budget below the shard's estimate stops before any image is read, nothing written.
        let tooSmall = try FoveaProcess.run(arguments, in: folder, environment: ["FOVEA_MEMORY_LIMIT_MB": "5"])
        #expect(tooSmall.status != 0)
        #expect(tooSmall.output.contains("for its 300 particles but about 5 MiB is available per rank"), "\(tooSmall.output)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/run"))
        let classify = try FoveaProcess.run(arguments, in: folder)
        #expect(classify.status == 0, "\(classify.output)")
        #expect(classify.output.contains("cycle 1/6"))
        #expect(classify.output.contains("finished"))
        for file in ["run.h5", "particles.star", "class_001.mrc", "class_002_half2.mrc", "report.html", "run.json"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/run/" + file), "missing \(file)")
        }
        let kappa = try FoveaProcess.run(["kappa", "--run", "run", "--truth", "data/truth.star", "--column", "foveaSmall",
                                           "--minimum", "0.9", "--json", "kappa.json"], in: folder)
        #expect(kappa.status == 0, "\(kappa.output)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/kappa.json"))) as? [String: Any]
        #expect(((json?["pooled"] as? [String: Any])?["kappa"] as? Double ?? 0) >= 0.9)
        let report = try FoveaProcess.run(["report", "run", "-o", "again.html"], in: folder)
        #expect(report.status == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/again.html"))
        // The same folder again is refused: the first run is not overwritten.
        let again = try FoveaProcess.run(["classify", "-i", "data/particles.star", "--classes", "2", "--resolution", "10",
                                           "--outer-radius", "90", "-o", "run"], in: folder)
        #expect(again.status == 2)
        #expect(again.output.contains("already holds a run"))
    }
}

/// A selection of one class goes back into `fovea classify` (and its old Fovea columns do not
/// survive into the new run's STAR).
@Suite struct SelectionRoundTripTests {
    @Test func selectedClassIsClassifiedAgain() throws {
        let folder = FoveaProcess.temporaryFolder("reselect")
        #expect(try FoveaProcess.run(["selftest", "dataset", "--count", "200", "--snr", "0.5", "--c2", "--output", "data"],
                                     in: folder).status == 0)
        let first = try FoveaProcess.run(["classify", "-i", "data/particles.star", "--classes", "3", "--focus", "2d",
                                           "--sphere", "42,0,0,32", "--sphere-origin", "centre", "--expand", "C2",
                                           "--resolution", "10", "--outer-radius", "90", "--cycles", "3", "-o", "run1"], in: folder)
        #expect(first.status == 0, "\(first.output)")
        let select = try FoveaProcess.run(["select", "--run", "run1", "--classes", "1,2", "--out", "selected.star"], in: folder)
        #expect(select.status == 0, "\(select.output)")
        let second = try FoveaProcess.run(["classify", "-i", "selected.star", "--classes", "2", "--focus", "2d",
                                            "--sphere", "42,0,0,32", "--sphere-origin", "centre", "--expand", "C2",
                                            "--resolution", "10", "--outer-radius", "90", "--cycles", "2", "-o", "run2"], in: folder)
        #expect(second.status == 0, "\(second.output)")
        let star = try String(contentsOfFile: folder + "/run2/particles.star", encoding: .utf8)
        #expect(star.contains("_rlnFoveaOccupancy2"))
        #expect(!star.contains("_rlnFoveaOccupancy3"))
    }
}
