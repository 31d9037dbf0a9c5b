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

    @Test("kappa --ceiling: simulate writes ceiling.star; kappa reads it, and computes the same from simulation.json without it",
          .enabled(if: built))
    func ceiling() throws {
        let dir = NSTemporaryDirectory() + "fovea-cli-ceiling-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for snr in ["0.002", "0.02"] {
            let data = dir + "/data" + snr
            let simulate = try Self.run(["simulate", "--box", "52", "--pixel-size", "6.55", "--scenario", "1", "--particles", "30",
                                         "--snr", snr, "--output", data])
            #expect(simulate.status == 0 && simulate.output.contains("ideal-observer ceiling"))
            // A run whose classes are the truth of each copy's side.
            let truth = try String(contentsOfFile: data + "/truth.star", encoding: .utf8)
            var run = "data_particles\nloop_\n_rlnImageName\n_rlnClassNumber\n_rlnFoveaParticleIndex\n_rlnFoveaOperatorIndex\n"
            for line in truth.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count == 11, let p = Int(fields[0]) else { continue }
                run += "\(p)@particles.mrcs \(fields[6]) \(p) 1\n\(p)@particles.mrcs \(fields[10]) \(p) 2\n"
            }
            try FileManager.default.createDirectory(atPath: dir + "/run" + snr, withIntermediateDirectories: true)
            try run.write(toFile: dir + "/run\(snr)/particles.star", atomically: true, encoding: .utf8)
            let stored = try Self.run(["kappa", "--run", dir + "/run" + snr, "--truth", data + "/truth.star", "--ceiling",
                                       "--json", dir + "/stored\(snr).json"])
            #expect(stored.status == 0 && stored.output.contains("kappa 1.0000") && stored.output.contains("ideal-observer ceiling"))
            try FileManager.default.removeItem(atPath: data + "/ceiling.star")
            let computed = try Self.run(["kappa", "--run", dir + "/run" + snr, "--truth", data + "/truth.star", "--ceiling",
                                         "--json", dir + "/computed\(snr).json"])
            #expect(computed.status == 0 && computed.output.contains("(computed)"))
            func ceilingKappa(_ name: String) throws -> Double {
                let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))) as! [String: Any]
                return (json["ceiling"] as! [String: Any])["kappa"] as! Double
            }
            let kappa = try ceilingKappa("stored\(snr).json")
            #expect(abs(kappa - (try ceilingKappa("computed\(snr).json"))) < 1e-12)
            #expect(kappa > 0 && kappa < 1)
        }
        let low = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/stored0.002.json"))) as! [String: Any]
        let high = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/stored0.02.json"))) as! [String: Any]
        #expect(((low["ceiling"] as! [String: Any])["kappa"] as! Double) < ((high["ceiling"] as! [String: Any])["kappa"] as! Double))
        // The ceiling is defined for the state label only.
        let refused = try Self.run(["kappa", "--run", dir + "/run0.02", "--truth", dir + "/data0.02/truth.star", "--ceiling", "--state", "arm"])
        #expect(refused.status == 2 && refused.output.contains("--ceiling"))
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
