import Foundation
import Testing

/// End-to-end runs of the built `fovea` on STAR fixtures (skipped when not built).
@Suite("fovea kappa / agreement / covariance end to end")
struct AnalysisCLITests {
    static var built: Bool { FileManager.default.isExecutableFile(atPath: FoveaProcess.executable) }

    /// Runs the built `fovea` (`FoveaProcess`); (status, standard output + error).
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try FoveaProcess.run(arguments)
        return (result.status, result.output)
    }

    /// Run STAR: 200 particles × 2 C2 copies; class = truth arm of the copy's side, wrong for `wrong` rows.
    static func fixtures(in dir: String, wrong: Set<Int>) throws {
        var truth = "data_truth\nloop_\n_foveaParticleIndex\n_foveaSideAArm\n_foveaSideBArm\n_foveaSideALabel\n_foveaSideBLabel\n"
        var run = "data_particles\nloop_\n_rlnImageName\n_rlnClassNumber\n_rlnFoveaParticleIndex\n_rlnFoveaOperatorIndex\n"
        var row = 0
        for p in 1...200 {
            let a = 1 + p % 2, b = 1 + (p / 3) % 2
            truth += "\(p) \(a) \(b) \(a) \(b)\n"
            for (op, arm) in [(1, a), (2, b)] {
                let cls = wrong.contains(row) ? 3 - arm : arm
                run += "\(p)@particles.mrcs \(cls) \(p) \(op)\n"
                row += 1
            }
        }
        try truth.write(toFile: dir + "/truth.star", atomically: true, encoding: .utf8)
        try run.write(toFile: dir + "/particles.star", atomically: true, encoding: .utf8)
    }

    @Test("kappa: 40 of 400 rows wrong → kappa 0.8 (two states: 2·0.9 − 1); JSON written", .enabled(if: built))
    func kappa() throws {
        let dir = NSTemporaryDirectory() + "fovea-cli-kappa-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.fixtures(in: dir, wrong: Set(stride(from: 0, to: 400, by: 10)))
        let result = try Self.run(["kappa", "--run", dir, "--truth", dir + "/truth.star", "--state", "arm", "--json", dir + "/k.json"])
        #expect(result.status == 0)
        #expect(result.output.contains("kappa 0.8000"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/k.json"))) as! [String: Any]
        let pooled = json["pooled"] as! [String: Any]
        #expect(abs((pooled["kappa"] as! Double) - 0.8) < 1e-12)
        #expect(pooled["TP"] as! Int == 360)
        // Truth missing a column: the error names it.
        try "data_truth\nloop_\n_foveaParticleIndex\n1\n".write(toFile: dir + "/thin.star", atomically: true, encoding: .utf8)
        let bad = try Self.run(["kappa", "--run", dir, "--truth", dir + "/thin.star", "--state", "hand"])
        #expect(bad.status != 0 && bad.output.contains("foveaSideAHand"))
    }

    @Test("agreement and per-particle covariance on two runs", .enabled(if: built))
    func agreementAndCrosstab() throws {
        let base = NSTemporaryDirectory() + "fovea-cli-agree-\(UUID().uuidString)"
        for (name, wrong) in [("r1", Set<Int>()), ("r2", Set([0, 1, 2, 3]))] {
            try FileManager.default.createDirectory(atPath: "\(base)/\(name)", withIntermediateDirectories: true)
            try Self.fixtures(in: "\(base)/\(name)", wrong: wrong)
        }
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try Self.run(["agreement", base + "/r1", base + "/r2", "--stable-star", base + "/stable.star"])
        #expect(result.status == 0)
        #expect(result.output.contains("stable rows 396 of 400"))
        let stable = try String(contentsOfFile: base + "/stable.star", encoding: .utf8)
        #expect(stable.components(separatedBy: "@particles.mrcs").count - 1 == 396)
        let crosstab = try Self.run(["covariance", "--rows", base + "/r1", "--rows", base + "/r2", "--permutations", "200"])
        #expect(crosstab.status == 0)
        #expect(crosstab.output.contains("permutation p 0.004975"))  // 1/201: no shuffle reaches χ²
    }
}
