import Foundation
import Testing

/// No data lost through the command line: a run folder must be new or empty (or the run being
/// continued) and is locked for the whole run; no command writes over its own input; input errors
/// exit 2 without an MPI_Abort banner; `--continue` refuses every option that may not change.
@Suite(.serialized) struct RunFolderSafetyTests {
    /// A phantom dataset and one finished 2-cycle run of it (K = 2), shared by the tests.
    static let session: (folder: String, data: String, run: String) = {
        let folder = FoveaProcess.temporaryFolder("safety")
        _ = try? FoveaProcess.run(["selftest", "dataset", "--count", "300", "--snr", "0.5", "--output", "data"], in: folder)
        _ = try? FoveaProcess.run(classifyArguments(output: "run") + ["--cycles", "2"], in: folder)
        return (folder, folder + "/data", folder + "/run")
    }()

    static func classifyArguments(output: String, classes: Int = 2) -> [String] {
        ["classify", "-i", "data/particles.star", "--classes", "\(classes)", "--focus", "2d", "--sphere", "42,0,0,32",
         "--sphere-origin", "centre", "--resolution", "10", "--outer-radius", "90", "--threads", "2", "-o", output]
    }

    /// Every file under `folder` with its bytes.
    static func contents(of folder: String) -> [String: Data] {
        var result: [String: Data] = [:]
        for name in (try? FileManager.default.subpathsOfDirectory(atPath: folder)) ?? [] {
            if let data = FileManager.default.contents(atPath: folder + "/" + name) { result[name] = data }
        }
        return result
    }

    @Test func theSessionRunFinished() {
        #expect(FileManager.default.fileExists(atPath: Self.session.run + "/run.h5"))
        #expect(!FileManager.default.fileExists(atPath: Self.session.run + "/.fovea.lock"), "the lock is released at the end")
    }

    @Test func outputIntoTheDataFolderOrAFolderWithFilesIsRefused() throws {
        let (folder, data, _) = Self.session
        let before = Self.contents(of: data)
        let intoData = try FoveaProcess.run(Self.classifyArguments(output: "data"), in: folder)
        #expect(intoData.status == 2, "\(intoData.output)")
        #expect(intoData.output.contains("is not empty"), "\(intoData.output)")
        #expect(Self.contents(of: data) == before, "the input folder is untouched")
        // A folder holding the user's own class_001.mrc and run.json.
        let mine = folder + "/mine"
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        try Data("my map".utf8).write(to: URL(fileURLWithPath: mine + "/class_001.mrc"))
        try Data("{\"mine\": 1}".utf8).write(to: URL(fileURLWithPath: mine + "/run.json"))
        let intoMine = try FoveaProcess.run(Self.classifyArguments(output: "mine"), in: folder)
        #expect(intoMine.status == 2, "\(intoMine.output)")
        #expect(intoMine.output.contains("class_001.mrc"), "\(intoMine.output)")
        #expect(Self.contents(of: mine).keys.sorted() == ["class_001.mrc", "run.json"])
        #expect(FileManager.default.contents(atPath: mine + "/class_001.mrc") == Data("my map".utf8))
        // simulate into the data folder (not a simulation's) is refused before any work.
        let simulate = try FoveaProcess.run(["simulate", "--scenario", "1", "--particles", "10", "--box", "64",
                                             "--pixel-size", "6.55", "--output", "data"], in: folder)
        #expect(simulate.status == 2 && simulate.output.contains("is not empty"), "\(simulate.output)")
        #expect(Self.contents(of: data) == before, "the input folder is untouched")
        // A file where the folder should be.
        let file = try FoveaProcess.run(Self.classifyArguments(output: "data/particles.star"), in: folder)
        #expect(file.status == 2 && file.output.contains("is a file, not a folder"), "\(file.output)")
    }

    /// A lock file of a live process (this test) and one of a process that has ended.
    @Test func aLockedFolderIsRefusedAndAStaleLockIsReportedNotTaken() throws {
        let folder = Self.session.folder
        let live = folder + "/live-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: true)
        let host = ProcessInfo.processInfo.hostName
        try "pid \(getpid())\nhost \(host)\nstarted now\n".write(toFile: live + "/.fovea.lock", atomically: false, encoding: .utf8)
        let busy = try FoveaProcess.run(Self.classifyArguments(output: live), in: folder)
        #expect(busy.status == 2, "\(busy.output)")
        #expect(busy.output.contains("in use by another run (pid \(getpid())"), "\(busy.output)")
        #expect(busy.output.contains(".fovea.lock"))
        // A process that has ended.
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let stale = "pid \(ended.processIdentifier)\nhost \(host)\nstarted then\n"
        try stale.write(toFile: live + "/.fovea.lock", atomically: false, encoding: .utf8)
        let dead = try FoveaProcess.run(Self.classifyArguments(output: live), in: folder)
        #expect(dead.status == 2, "\(dead.output)")
        #expect(dead.output.contains("ended without finishing"), "\(dead.output)")
        #expect(dead.output.contains("--continue"), "\(dead.output)")
        #expect(try String(contentsOfFile: live + "/.fovea.lock", encoding: .utf8) == stale, "a stale lock is not taken")
        // Another host: reported, never taken.
        try "pid 1\nhost elsewhere.invalid\nstarted then\n".write(toFile: live + "/.fovea.lock", atomically: false, encoding: .utf8)
        let remote = try FoveaProcess.run(Self.classifyArguments(output: live), in: folder)
        #expect(remote.status == 2 && remote.output.contains("on another host"), "\(remote.output)")
    }

    /// `--continue` of a run that died (its lock and a half-written temporary left behind):
    /// the stale lock is taken over and the temporary removed, both said.
    @Test func continueTakesOverADeadRunsLockAndRemovesItsTemporaries() throws {
        let folder = Self.session.folder
        let copy = folder + "/died-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: Self.session.run, toPath: copy)
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        try "pid \(ended.processIdentifier)\nhost \(ProcessInfo.processInfo.hostName)\nstarted then\n"
            .write(toFile: copy + "/.fovea.lock", atomically: false, encoding: .utf8)
        try Data("half".utf8).write(to: URL(fileURLWithPath: copy + "/.checkpoint.h5.tmp-Ab3dE9gH1jK2"))
        let resumed = try FoveaProcess.run(["classify", "--continue", copy, "--cycles", "3", "--threads", "2"], in: folder)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("took over the lock of a run that is no longer running"), "\(resumed.output)")
        #expect(resumed.output.contains("removed 1 unfinished temporary file(s)"), "\(resumed.output)")
        #expect(!FileManager.default.fileExists(atPath: copy + "/.checkpoint.h5.tmp-Ab3dE9gH1jK2"))
        #expect(!FileManager.default.fileExists(atPath: copy + "/.fovea.lock"))
    }

    @Test func inputErrorsExit2WithoutAnMPIAbort() throws {
        let folder = Self.session.folder
        var noOrigin = Self.classifyArguments(output: "x1")
        noOrigin.removeSubrange(noOrigin.firstIndex(of: "--sphere-origin")!...noOrigin.firstIndex(of: "--sphere-origin")! + 1)
        var noRadius = Self.classifyArguments(output: "x2")
        noRadius.removeSubrange(noRadius.firstIndex(of: "--outer-radius")!...noRadius.firstIndex(of: "--outer-radius")! + 1)
        for arguments in [noOrigin, noRadius] {
            let result = try FoveaProcess.run(arguments, in: folder)
            #expect(result.status == 2, "\(result.output)")
            #expect(!result.output.contains("MPI_ABORT"), "\(result.output)")
            #expect(result.output.contains("--sphere-origin") || result.output.contains("--outer-radius"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/x1"))
    }

    @Test func anInvalidMemoryLimitIsAnError() throws {
        for value in ["0", "-5", "abc", "nan", ""] {
            let result = try FoveaProcess.run(Self.classifyArguments(output: "mem"), in: Self.session.folder,
                                              environment: ["FOVEA_MEMORY_LIMIT_MB": value])
            #expect(result.status == 2, "FOVEA_MEMORY_LIMIT_MB=\(value): \(result.output)")
            #expect(result.output.contains("FOVEA_MEMORY_LIMIT_MB='\(value)' is not a positive number"), "\(result.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: Self.session.folder + "/mem"))
    }

    /// The budget covers the whole process: a limit that holds the run's own estimate but not what
    /// the program holds already is not enough to keep the particles in memory.
    @Test func theMemoryEstimateIncludesWhatTheProcessHolds() throws {
        let plan = try FoveaProcess.run(Self.classifyArguments(output: "plan") + ["--dry-run"], in: Self.session.folder)
        let pattern = try NSRegularExpression(pattern: "about ([0-9]+) MiB \\(([0-9]+) MiB if streamed from disk\\), of which ([0-9]+) MiB")
        let text = plan.output
        let match = try #require(pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), "\(text)")
        let number = { (i: Int) in Int(text[Range(match.range(at: i), in: text)!])! }
        let (resident, held) = (number(1), number(3))
        #expect(held >= 10 && held < resident, "\(text)")
        let result = try FoveaProcess.run(Self.classifyArguments(output: "held") + ["--cycles", "1"], in: Self.session.folder,
                                          environment: ["FOVEA_MEMORY_LIMIT_MB": "\(resident - held + 1)"])
        #expect(result.output.contains("streaming its 300 particles") || result.status == 2, "\(result.output)")
    }

    /// A value for every option of `fovea classify --help` that differs from the session run's; an
    /// option added later without a value here fails the test (so none escapes the rule).
    static let changedValues: [String: [String]] = [
        "--particles": ["x.star"], "--stack": ["x.mrcs"], "--pixel-size": ["2"], "--invert-contrast": ["yes"],
        "--reference": ["r.mrc"], "--output": ["o"],
        "--classes": ["3"], "--focus": ["3d"], "--sphere": ["40,0,0,30", "--sphere-origin", "centre"],
        "--sphere-origin": ["corner"], "--mask": ["m.mrc"], "--focus-edge": ["5"], "--outer-radius": ["80"],
        "--resolution": ["12"], "--reference-low": ["200"], "--reference-high": ["12"], "--mass": ["500"],
        "--expand": ["C2"], "--seed": ["9"], "--stop-class-change": ["0.5"], "--stop-changed-fraction": ["0.01"],
        "--min-cycles": ["3"], "--mask-edge": ["5"], "--mask-outside-weight": ["0.5"], "--mask-lowpass": ["20"],
        "--mask-outside": ["own"], "--noise-groups": ["optics"], "--noise-group-min": ["7"],
        "--group-scale": ["off"], "--particle-scale": ["on"], "--particle-noise": ["off"], "--whitening": ["shell"], "--regularisation": ["2"],
        "--starts": ["2"], "--start-cycles": ["2"],
    ]
    /// Options that may be given with `--continue`.
    static let continuable: Set<String> = ["--cycles", "--checkpoint-every", "--threads", "--stream", "--dry-run", "--truth", "--relion-job",
                                           "--continue", "--help", "--version"]

    @Test func continueRefusesEveryOptionThatMayNotChangeAndNamesIt() throws {
        let help = try FoveaProcess.run(["classify", "--help"])
        let lines = help.output.components(separatedBy: "\n").drop { !$0.hasPrefix("OPTIONS:") }
        let pattern = try NSRegularExpression(pattern: "^  (?:-[a-z], )?(--[a-z-]+)")
        let options = Set(lines.compactMap { line -> String? in
            guard let match = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                  let range = Range(match.range(at: 1), in: line) else { return nil }
            return String(line[range])
        })
        #expect(options.count > 25, "\(options.sorted())")
        let before = Self.contents(of: Self.session.run)
        for option in options.subtracting(Self.continuable).sorted() {
            guard let value = Self.changedValues[option] else {
                Issue.record("\(option): no changed value in this test; say whether --continue may change it"); continue
            }
            let result = try FoveaProcess.run(["classify", "--continue", Self.session.run, option] + value, in: Self.session.folder)
            // Inputs given with --continue and the method's options checked against the checkpoint
            // are both input errors (2).
            #expect(result.status == 2, "\(option): \(result.output)")
            #expect(result.output.contains(option), "\(option): \(result.output)")
        }
        // Several at once: every one is named.
        let several = try FoveaProcess.run(["classify", "--continue", Self.session.run, "--mask-edge", "5", "--seed", "3",
                                            "--min-cycles", "2"], in: Self.session.folder)
        #expect(several.status == 2)
        for option in ["--mask-edge", "--seed", "--min-cycles"] { #expect(several.output.contains(option), "\(several.output)") }
        // The same value as stored is no change.
        let same = try FoveaProcess.run(["classify", "--continue", Self.session.run, "--classes", "2", "--dry-run"],
                                        in: Self.session.folder)
        #expect(same.status == 0, "\(same.output)")
        #expect(Self.contents(of: Self.session.run) == before, "nothing written")
    }

    @Test func aForeignCheckpointOrAGarbledRunJSONIsRefusedAndNothingIsOverwritten() throws {
        let folder = Self.session.folder
        let three = "three-\(UUID().uuidString)"
        let made = try FoveaProcess.run(Self.classifyArguments(output: three, classes: 3) + ["--cycles", "1"], in: folder)
        #expect(made.status == 0, "\(made.output)")
        let mixed = folder + "/mixed-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: Self.session.run, toPath: mixed)
        try FileManager.default.removeItem(atPath: mixed + "/checkpoint.h5")
        try FileManager.default.copyItem(atPath: folder + "/" + three + "/checkpoint.h5", toPath: mixed + "/checkpoint.h5")
        let before = Self.contents(of: mixed)
        let foreign = try FoveaProcess.run(["classify", "--continue", mixed, "--cycles", "4"], in: folder)
        #expect(foreign.status == 2, "\(foreign.output)")
        #expect(foreign.output.contains("does not belong to the run") && foreign.output.contains("--classes"), "\(foreign.output)")
        #expect(Self.contents(of: mixed) == before)
        let garbled = folder + "/garbled-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: Self.session.run, toPath: garbled)
        try Data("{\"sessions\": [tru".utf8).write(to: URL(fileURLWithPath: garbled + "/run.json"))
        let garbledBefore = Self.contents(of: garbled)
        let result = try FoveaProcess.run(["classify", "--continue", garbled, "--cycles", "4"], in: folder)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("run.json: not a run.json written by Fovea"), "\(result.output)")
        #expect(Self.contents(of: garbled) == garbledBefore)
    }

    @Test func selectExpandAndCollapseNeverWriteOverTheirInput() throws {
        let (folder, data, run) = Self.session
        let star = run + "/particles.star"
        let before = try Data(contentsOf: URL(fileURLWithPath: star))
        // The same file by another spelling and through a symbolic link.
        try? FileManager.default.createSymbolicLink(atPath: folder + "/link.star", withDestinationPath: star)
        for out in [star, "run/./particles.star", "link.star"] {
            let select = try FoveaProcess.run(["select", "--run", "run", "--classes", "1", "--out", out], in: folder)
            #expect(select.status == 2, "\(select.output)")
            #expect(select.output.contains("never writes over its own input"), "\(select.output)")
            let collapse = try FoveaProcess.run(["collapse", "--run", "run", "--out", out], in: folder)
            #expect(collapse.status == 2, "\(collapse.output)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: star)) == before)
        let input = data + "/particles.star"
        let original = try Data(contentsOf: URL(fileURLWithPath: input))
        let expand = try FoveaProcess.run(["expand", "--i", "data/particles.star", "--group", "C2", "--out", "data//particles.star"],
                                          in: folder)
        #expect(expand.status == 2, "\(expand.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == original)
    }
}
