import Foundation
import Testing

/// `fovea classify --starts M --start-cycles C`: one start is today's run bit for bit; several log
/// each cycle of the run once, say which start won, and continue; the options are range-checked
/// (exit 2) and may not change on `--continue`.
@Suite struct StartsOptionTests {
    static let base = ["classify", "-i", "data/particles.star", "--classes", "2", "--resolution", "10", "--outer-radius", "90"]

    static func contents(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func oneStartWritesTheSameMapsAndParticlesAsNoOption() throws {
        let fixture = OptionTestFixture.shared.folder
        let plain = FoveaProcess.temporaryFolder("starts-plain") + "/run"
        let one = FoveaProcess.temporaryFolder("starts-one") + "/run"
        let a = try FoveaProcess.run(Self.base + ["--cycles", "2", "--seed", "7", "-o", plain], in: fixture)
        let b = try FoveaProcess.run(Self.base + ["--cycles", "2", "--seed", "7", "--starts", "1", "-o", one], in: fixture)
        #expect(a.status == 0 && b.status == 0, "\(a.output)\n\(b.output)")
        for name in ["class_001.mrc", "class_002.mrc", "class_001_half1.mrc", "particles.star"] {
            let left = Self.contents(plain + "/" + name), right = Self.contents(one + "/" + name)
            #expect(left != nil && left == right, "\(name) differs")
        }
    }

    @Test func severalStartsChooseOneLogEachCycleOnceAndContinue() throws {
        let fixture = OptionTestFixture.shared.folder
        let run = FoveaProcess.temporaryFolder("starts-three") + "/run"
        let result = try FoveaProcess.run(Self.base + ["--cycles", "3", "--starts", "3", "--start-cycles", "2", "-o", run], in: fixture)
        #expect(result.status == 0, "\(result.output)")
        for start in 1...3 { #expect(result.output.contains("start \(start)/3: cycle 2/2"), "\(result.output)") }
        #expect(result.output.contains("has the highest and continues"), "\(result.output)")
        let log = String(decoding: Self.contents(run + "/progress.jsonl") ?? Data(), as: UTF8.self)
        let cycles = log.split(separator: "\n").compactMap { line -> Int? in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["cycle"] as? Int
        }
        #expect(cycles == [1, 2, 3], "\(log)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/run.json"))) as? [String: Any]
        let config = (json?["config"] as? [String: Any]) ?? json
        #expect(config?["starts"] as? Int == 3)
        #expect(config?["startCycles"] as? Int == 2)
        let changed = try FoveaProcess.run(["classify", "--continue", run, "--cycles", "4", "--starts", "2"], in: fixture)
        #expect(changed.status == 2, "\(changed.output)")
        #expect(changed.output.contains("starts"), "\(changed.output)")
        let continued = try FoveaProcess.run(["classify", "--continue", run, "--cycles", "4"], in: fixture)
        #expect(continued.status == 0, "\(continued.output)")
        #expect(!continued.output.contains("start 1/3"), "\(continued.output)")
    }

    @Test("Out-of-range --starts and --start-cycles are input errors (exit 2) and write nothing",
          arguments: [(["--starts", "0"], "--starts"), (["--starts", "101"], "--starts"),
                      (["--starts", "2", "--start-cycles", "0"], "--start-cycles"),
                      (["--starts", "2", "--start-cycles", "4"], "--start-cycles"),
                      (["--start-cycles", "2"], "--start-cycles")] as [([String], String)])
    func outOfRangeIsAnInputError(options: [String], named: String) throws {
        let fixture = OptionTestFixture.shared.folder
        let run = FoveaProcess.temporaryFolder("starts-bad") + "/run"
        let result = try FoveaProcess.run(Self.base + ["--cycles", "3", "-o", run] + options, in: fixture)
        #expect(result.status == 2, "\(options): \(result.output)")
        #expect(result.output.contains(named), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: run))
    }
}
