import Foundation
import Testing

/// Values in run and particle tables that trapped the analysis commands (the trap audit): each is
/// now refused with the file and field (exit 2) or drawn without the impossible part (exit 0).
@Suite(.serialized) struct RunTableInputTests {
    static var fixture: String { OptionTestFixture.shared.folder }

    /// `lines` of `file` with `column`'s value in the first particle row replaced by `value`.
    static func editedFirstRow(_ file: String, column: String, value: String) throws -> String {
        var lines = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
        guard let header = lines.first(where: { $0.hasPrefix("_" + column + " ") }),
              let number = Int(header.split(separator: "#").last?.trimmingCharacters(in: .whitespaces) ?? ""),
              let row = lines.firstIndex(where: { $0.contains("@") }) else { return lines.joined(separator: "\n") }
        var fields = lines[row].split(separator: " ").map(String.init)
        fields[number - 1] = value
        lines[row] = fields.joined(separator: "  ")
        return lines.joined(separator: "\n")
    }

    @Test func runTablesWithoutRowsAreRefusedByEveryCommand() throws {
        let folder = FoveaProcess.temporaryFolder("empty-run")
        let run = try String(contentsOfFile: Self.fixture + "/run/particles.star", encoding: .utf8)
        try run.components(separatedBy: "\n").filter { !$0.contains("@") }.joined(separator: "\n")
            .write(toFile: folder + "/empty.star", atomically: true, encoding: .utf8)
        let commands: [[String]] = [
            ["select", "--run", "empty.star", "--classes", "1", "--out", "o.star"],
            ["collapse", "--run", "empty.star", "--out", "o.star"],
            ["kappa", "--run", "empty.star", "--truth", Self.fixture + "/data/truth.star", "--column", "foveaSmall"],
            ["agreement", "empty.star", "empty.star"],
            ["covariance", "--rows", "empty.star", "--rows", "empty.star"],
        ]
        for command in commands {
            let result = try FoveaProcess.run(command, in: folder, timeLimit: 60)
            #expect(result.status == 2 && result.output.contains("empty.star, data_particles, field rlnClassNumber: the table holds no rows"),
                    "\(command[0]): \(result.output.prefix(300))")
        }
    }

    @Test func operatorIndicesBeyondEveryGroupAreRefused() throws {
        let folder = FoveaProcess.temporaryFolder("big-operator")
        for value in ["199", "1000000000000"] {
            try Self.editedFirstRow(Self.fixture + "/run/particles.star", column: "rlnFoveaOperatorIndex", value: value)
                .write(toFile: folder + "/op.star", atomically: true, encoding: .utf8)
            let result = try FoveaProcess.run(["collapse", "--run", "op.star", "--out", "c.star"], in: folder, timeLimit: 60)
            #expect(result.status == 2 && result.output.contains("operator \(value) but no point group has more than 198 operators"),
                    "\(result.output.prefix(300))")
        }
    }

    /// A particle shifted far outside its box (or by 1e300 Å) has no footprint in its preview.
    @Test func previewsOfParticlesShiftedOutOfTheBoxAreDrawn() throws {
        let folder = FoveaProcess.temporaryFolder("far-shift")
        for value in ["1e300", "-1e300", "5000"] {
            try Self.editedFirstRow(Self.fixture + "/data/particles.star", column: "rlnOriginXAngst", value: value)
                .replacingOccurrences(of: "@particles.mrcs", with: "@" + Self.fixture + "/data/particles.mrcs")
                .write(toFile: folder + "/shifted.star", atomically: true, encoding: .utf8)
            for source in [["--from-mask", Self.fixture + "/mask.mrc"],
                           ["--sphere", "0,0,0,20", "--origin", "centre", "--box", "48", "--pixel-size", "4"]] {
                let result = try FoveaProcess.run(["mask"] + source + ["--out", "m.mrc", "--preview", "p", "--particles", "shifted.star"],
                                                  in: folder, timeLimit: 60)
                #expect(result.status == 0 && result.output.contains("previews: 10 PNG files"), "\(value): \(result.output.prefix(300))")
            }
        }
    }
}
