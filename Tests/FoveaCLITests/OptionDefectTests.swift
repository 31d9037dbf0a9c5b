import Foundation
import Testing

/// The option defects of the robustness issue, each as the user met it.
@Suite(.serialized) struct OptionDefectTests {
    static var folder: String { OptionTestFixture.shared.folder }

    /// `mask --box 3000` allocated 108 GB and aborted, `--box 3000000000` and
    /// `--preview-particles=-3` trapped, `--from-mask … --dilate 1000000` hung.
    @Test func maskRefusesHugeBoxesNegativeCountsAndEndlessDilation() throws {
        let sphere = ["mask", "--sphere", "0,0,0,20", "--origin", "centre", "--pixel-size", "4", "--out", "big.mrc"]
        for box in ["3000", "3000000000", "-3", "7", "0"] {
            let result = try FoveaProcess.run(sphere + ["--box", box], in: Self.folder, timeLimit: 60)
            #expect(result.status == 2 && result.output.contains("--box") && !result.signalled, "\(box): \(result.output)")
        }
        // A box that fits this machine's limit but not the memory budget is refused before it is made.
        let budget = try FoveaProcess.run(sphere + ["--box", "1024"], in: Self.folder,
                                          environment: ["FOVEA_MEMORY_LIMIT_MB": "64"], timeLimit: 60)
        #expect(budget.status == 2 && budget.output.contains("--box 1024 needs about"), "\(budget.output)")
        let previews = try FoveaProcess.run(sphere + ["--box", "48", "--preview", "p", "--particles", "data/particles.star",
                                                      "--preview-particles=-3"], in: Self.folder, timeLimit: 60)
        #expect(previews.status == 2 && previews.output.contains("--preview-particles must be ≥ 0, got -3"), "\(previews.output)")
        let started = Date()
        let dilated = try FoveaProcess.run(["mask", "--from-mask", "mask.mrc", "--dilate", "1000000", "--out", "d.mrc"],
                                           in: Self.folder, timeLimit: 60)
        #expect(dilated.status == 2 && dilated.output.contains("--dilate 1e+06 Å is more than the edge"), "\(dilated.output)")
        // The largest dilation allowed (the box edge) finishes quickly and fills the box.
        let full = try FoveaProcess.run(["mask", "--from-mask", "mask.mrc", "--dilate", "192", "--out", "d.mrc"],
                                        in: Self.folder, timeLimit: 60)
        #expect(full.status == 0 && full.output.contains("110592 voxels ≥ 0.5"), "\(full.output)")
        #expect(Date().timeIntervalSince(started) < 60)
    }

    /// `--x -3` was "Missing value for '--x'"; both spellings now give the option's range.
    @Test func negativeValuesAreReportedAsValuesInBothSpellings() throws {
        let cases: [([String], String, String)] = [
            (["mask", "--sphere", "0,0,0,20", "--origin", "centre", "--pixel-size", "4", "--out", "n.mrc"], "--box", "--box must be ≥ 8, got -3"),
            (["simulate", "--output", "n"], "--pixel-size", "--pixel-size must be > 0 Å, got -3.0"),
            (["info"], "--threads", "--threads must be ≥ 1, got -3"),
            (OptionSweepTests.classifyBase, "--cycles", "--cycles must be ≥ 1, got -3"),
            (["select", "--run", "run", "--classes", "1", "--out", "n.star"], "--min-occupancy", "--min-occupancy must be between 0.0 and 100.0, got -3.0"),
        ]
        for (base, option, message) in cases {
            for spelled in [[option, "-3"], ["\(option)=-3"]] {
                let result = try FoveaProcess.run(OptionSweepTests.without(option, base) + spelled, in: Self.folder)
                #expect(result.status == 2 && result.output.contains(message), "\(spelled): \(result.output)")
                #expect(!result.output.contains("Missing value"))
            }
        }
        // A negative value that is valid is taken as a value: a sphere centre left of the map centre.
        let left = try FoveaProcess.run(["mask", "--sphere", "-20,0,0,10", "--origin", "centre", "--box", "48", "--pixel-size", "4",
                                         "--out", "left.mrc"], in: Self.folder)
        #expect(left.status == 0, "\(left.output)")
        let threshold = try FoveaProcess.run(["mask", "--from-map", "mask.mrc", "--threshold", "-0.5", "--out", "t.mrc"], in: Self.folder)
        #expect(threshold.status == 0, "\(threshold.output)")
    }

    /// Tiny positive values (found by the exhaustive sweep): `classify --dry-run --resolution 1e-300`
    /// trapped computing the likelihood box; pixel sizes of 1e-300 Å were refused under other names.
    @Test func tinyResolutionsAndPixelSizesAreRefusedByName() throws {
        let cases: [([String], String)] = [
            (OptionSweepTests.without("--resolution", OptionSweepTests.classifyBase) + ["--resolution", "1e-300"],
             "--resolution: 1e-300 Å is finer than Nyquist (8.0 Å)"),
            (OptionSweepTests.without("--pixel-size", OptionSweepTests.simulateBase) + ["--pixel-size", "1e-300"],
             "--pixel-size must be ≥ 0.01 Å, got 1e-300"),
            (["mask", "--sphere", "0,0,0,20", "--box", "48", "--pixel-size", "1e-300", "--out", "t.mrc"],
             "--pixel-size must be ≥ 0.01 Å, got 1e-300"),
        ]
        for (arguments, message) in cases {
            let result = try FoveaProcess.run(arguments, in: Self.folder, timeLimit: 60)
            #expect(result.status == 2 && result.output.contains(message) && !result.signalled, "\(result.output.prefix(300))")
        }
    }

    /// `--sphere`/`--mask` with `--focus none` (the default) were ignored without a word.
    @Test func aFocusRegionWithoutAFocusModeIsRefused() throws {
        for region in [["--sphere", "10,0,0,20", "--sphere-origin", "centre"], ["--mask", "mask.mrc"]] {
            for focus in [[], ["--focus", "none"], ["--focus", "NONE"]] {
                let result = try FoveaProcess.run(OptionSweepTests.classifyBase + region + focus, in: Self.folder)
                #expect(result.status == 2, "\(result.output)")
                #expect(result.output.contains("\(region[0]) is only used with --focus 2d, 3d or subtract"), "\(result.output)")
            }
            let focused = try FoveaProcess.run(OptionSweepTests.classifyBase + region + ["--focus", "2d"], in: Self.folder)
            #expect(focused.status == 0, "\(focused.output)")
        }
    }

    /// `--expand C120` passed the options and failed in the engine; `--expand I1` was refused
    /// although the engine has it. One parser: the same answer from expand, classify and select.
    @Test func pointGroupsAreAcceptedAlikeByEveryCommand() throws {
        for (group, valid) in [("C120", false), ("I1", true), ("i2", true), ("I3", false), ("D99", true), ("C100", false),
                               ("c7", true), ("X2", false)] {
            let classify = try FoveaProcess.run(OptionSweepTests.classifyBase + ["--expand", group], in: Self.folder)
            let expand = try FoveaProcess.run(["expand", "--i", "data/particles.star", "--group", group, "--out", "e.star"],
                                              in: Self.folder)
            let select = try FoveaProcess.run(["select", "--run", "run", "--classes", "1", "--group", group, "--out", "g.star"],
                                              in: Self.folder)
            for (name, result) in [("classify", classify), ("expand", expand), ("select", select)] {
                #expect((result.status == 0) == valid, "\(name) --expand \(group): \(result.output)")
                if !valid {
                    #expect(result.status == 2 && result.output.contains("unknown point group \"\(group)\""), "\(name): \(result.output)")
                }
            }
        }
    }
}
