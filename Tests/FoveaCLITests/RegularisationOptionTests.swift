import Foundation
import Testing

/// `fovea classify --regularisation T` and its alias `--tau2-fudge` (RELION's name): recorded in
/// run.json; the default (4, measured: docs/classify.md "Regularisation T") when neither is given.
@Suite struct RegularisationOptionTests {
    @Test("--regularisation and --tau2-fudge set T in run.json; neither gives the default",
          arguments: [nil, "--regularisation", "--tau2-fudge"] as [String?])
    func recordedInRunJSON(spelling: String?) throws {
        let fixture = OptionTestFixture.shared.folder
        let run = FoveaProcess.temporaryFolder("regularisation") + "/run"
        var arguments = ["classify", "-i", "data/particles.star", "--classes", "2", "--resolution", "10", "--outer-radius", "90",
                         "--cycles", "1", "-o", run]
        if let spelling { arguments += [spelling, "2.5"] }
        let result = try FoveaProcess.run(arguments, in: fixture)
        #expect(result.status == 0, "\(result.output)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/run.json"))) as? [String: Any]
        let config = (json?["config"] as? [String: Any]) ?? json
        #expect(config?["regularisation"] as? Double == (spelling == nil ? 4 : 2.5))
    }

    @Test func outOfRangeIsAnInputError() throws {
        let fixture = OptionTestFixture.shared.folder
        let run = FoveaProcess.temporaryFolder("regularisation-bad") + "/run"
        let result = try FoveaProcess.run(["classify", "-i", "data/particles.star", "--classes", "2", "--resolution", "10",
                                           "--outer-radius", "90", "--cycles", "1", "--tau2-fudge", "0", "-o", run], in: fixture)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("--regularisation (--tau2-fudge)"), "\(result.output)")
    }
}
