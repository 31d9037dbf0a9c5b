import Foundation
import FoveaCore
import Testing

/// Small inputs every option test runs against: a two-region dataset (box 48, 4 Å), a one-cycle
/// run of it, and a focus mask; made once per test process.
struct OptionTestFixture: Sendable {
    let folder: String

    static let shared = OptionTestFixture()

    private init() {
        folder = FoveaProcess.temporaryFolder("options")
        let steps: [[String]] = [
            ["selftest", "dataset", "--count", "40", "--snr", "0.5", "--output", "data"],
            ["classify", "-i", "data/particles.star", "--classes", "2", "--resolution", "10", "--outer-radius", "90",
             "--cycles", "1", "-o", "run"],
            ["mask", "--sphere", "0,0,0,20", "--origin", "centre", "--box", "48", "--pixel-size", "4", "--out", "mask.mrc"],
        ]
        for step in steps { _ = try? FoveaProcess.run(step, in: folder) }
    }
}

/// Every numeric option of every command against extreme and random values (the issue's "test the
/// space"): each run ends within a time limit with exit 0, or with exit 2 and a message that names
/// the option — never a trap, an abort or a hang. A seeded sample of the extreme values per option
/// (`FOVEA_SWEEP_ALL=1`: all of them; `FOVEA_SWEEP_SEED`: another sample).
@Suite(.serialized) struct OptionSweepTests {
    /// An option, the command line it is added to, and the exit codes other than 0 and 2 that the
    /// command may give for a valid value (with a text that says why).
    struct Case {
        let option: String
        let base: [String]
        var otherExit: (status: Int32, text: String)? = nil
    }

    static let classifyBase = ["classify", "-i", "data/particles.star", "--classes", "2", "--resolution", "10",
                               "--outer-radius", "90", "-o", "never", "--dry-run"]
    static let simulateBase = ["simulate", "--box", "52", "--pixel-size", "6.55", "--scenario", "1", "--particles", "2",
                               "--output", "sim"]

    /// Base command lines, without the option under test (which is appended).
    static var cases: [Case] {
        var all: [Case] = []
        for option in ["--pixel-size", "--voltage", "--cs", "--amplitude-contrast"] {
            let base = ["inspect", "run/class_001.par", "--stack", "data/particles.mrcs"]
            all.append(Case(option: option, base: option == "--pixel-size" ? base : base + ["--pixel-size", "4"]))
        }
        for option in ["--box", "--pixel-size", "--focus-margin", "--roi-margin", "--soft-edge", "--particles", "--snr",
                       "--seed", "--shift-range", "--defocus-min", "--defocus-max", "--bfactor", "--structural-fraction",
                       "--threads", "--astigmatism", "--contrast-spread", "--noise-spread", "--noise-colour", "--bfactor-spread",
                       "--junk-fraction", "--micrograph-particles"] {
            all.append(Case(option: option, base: without(option, simulateBase)))
        }
        let sphere = ["mask", "--sphere", "0,0,0,20", "--origin", "centre", "--box", "48", "--pixel-size", "4", "--out", "m.mrc"]
        for option in ["--box", "--pixel-size", "--soft-edge"] { all.append(Case(option: option, base: without(option, sphere))) }
        all.append(Case(option: "--preview-particles", base: sphere + ["--preview", "preview", "--particles", "data/particles.star"]))
        for option in ["--dilate", "--soft-edge"] {
            all.append(Case(option: option, base: ["mask", "--from-mask", "mask.mrc", "--out", "m2.mrc"]))
        }
        all.append(Case(option: "--threshold", base: ["mask", "--from-map", "mask.mrc", "--out", "m3.mrc"]))
        for option in ["--pixel-size", "--classes", "--cycles", "--outer-radius", "--resolution",
                       "--reference-low", "--reference-high", "--mass", "--seed", "--checkpoint-every", "--stop-class-change",
                       "--stop-changed-fraction", "--min-cycles", "--threads", "--regularisation", "--tau2-fudge", "--starts"] {
            all.append(Case(option: option, base: without(option, classifyBase)))
        }
        all.append(Case(option: "--start-cycles", base: classifyBase + ["--starts", "2"]))
        // Options one focus mode reads, swept under that mode (any other refuses them by name).
        all.append(Case(option: "--focus-edge", base: classifyBase + ["--focus", "2d", "--mask", "mask.mrc"]))
        for option in ["--mask-edge", "--mask-outside-weight", "--mask-lowpass"] {
            all.append(Case(option: option, base: classifyBase + ["--focus", "3d", "--mask", "mask.mrc"]))
        }
        all.append(Case(option: "--min-occupancy", base: ["select", "--run", "run", "--classes", "1", "--out", "sel.star"]))
        all.append(Case(option: "--minimum", base: ["kappa", "--run", "run", "--truth", "data/truth.star", "--column", "foveaSmall"],
                        otherExit: (1, "is below the minimum")))
        for option in ["--noise-alpha", "--permutations", "--seed"] {
            all.append(Case(option: option, base: ["covariance", "--rows", "run", "--rows", "run"]))
        }
        all.append(Case(option: "--threads", base: ["info"]))
        for option in ["--count", "--snr", "--seed"] {
            all.append(Case(option: option, base: ["selftest", "dataset", "--count", "20", "--output", "selftest-data"]
                                .filter { option != "--count" || ($0 != "--count" && $0 != "20") }))
        }
        all.append(Case(option: "--tolerance", base: ["selftest", "compare", "run", "run"]))
        return all
    }

    /// `arguments` without `option` and its value.
    static func without(_ option: String, _ arguments: [String]) -> [String] {
        guard let at = arguments.firstIndex(of: option) else { return arguments }
        return Array(arguments[..<at] + arguments[(at + 2)...])
    }

    static let extremes = ["0", "-1", "-3", "3000000000", "-3000000000", "1e300", "nan", "inf", "-inf", "abc", "", "1e-300",
                           "99999999999999999999999"]

    @Test func everyNumericOptionEndsCleanlyOnExtremeValues() throws {
        let fixture = OptionTestFixture.shared
        let environment = ProcessInfo.processInfo.environment
        let all = environment["FOVEA_SWEEP_ALL"] == "1"
        var random = SeededRandom(seed: environment["FOVEA_SWEEP_SEED"].flatMap(UInt64.init) ?? 13)
        var runs = 0
        for sweepCase in Self.cases {
            var values = all ? Self.extremes : Array(Self.extremes.shuffled(using: &random).prefix(4))
            let magnitude = pow(10, random.uniform(in: -3..<10)) * (random.uniform() < 0.3 ? -1 : 1)
            values.append(random.uniform() < 0.5 ? String(Int(magnitude)) : String(magnitude))
            for value in values {
                // Alternate the two spellings: `--x=v` and `--x v` must behave the same.
                let spelled = random.uniform() < 0.5 ? ["\(sweepCase.option)=\(value)"] : [sweepCase.option, value]
                let arguments = sweepCase.base + spelled
                let result = try FoveaProcess.run(arguments, in: fixture.folder, timeLimit: 120)
                runs += 1
                let line = "fovea \(arguments.joined(separator: " ")) → \(result.status): \(result.output.suffix(400))"
                #expect(!result.signalled, "trapped or hung: \(line)")
                if !value.isEmpty { #expect(!result.output.contains("Missing value"), "\(line)") }
                let named = result.status == 2 && result.output.contains(sweepCase.option)
                let other = sweepCase.otherExit.map { result.status == $0.status && result.output.contains($0.text) } ?? false
                #expect(result.status == 0 || named || other, "\(line)")
            }
        }
        #expect(runs >= Self.cases.count * 5)
    }
}

