import Foundation
import Testing

/// `fovea diffmap` and `fovea covariance` (volume mode) end to end on the simulator's maps.
@Suite("fovea diffmap / covariance on simulated maps")
struct AnalysisMapCLITests {
    /// float32 voxels of a little-endian mode-2 MRC written by Fovea (header 1024 + extended bytes).
    static func voxels(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let extended = data.subdata(in: 92..<96).withUnsafeBytes { Int(Int32(littleEndian: $0.loadUnaligned(as: Int32.self))) }
        return data.subdata(in: (1024 + extended)..<data.count).withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    @Test("diffmap of four state maps equals max over pairs of |V_k − V_l|; covariance of arms = −1",
          .enabled(if: AnalysisCLITests.built))
    func mapsEndToEnd() throws {
        let dir = NSTemporaryDirectory() + "fovea-cli-maps-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let simulate = try AnalysisCLITests.run(["simulate", "--box", "24", "--pixel-size", "17.5", "--scenario", "1", "--output", dir])
        #expect(simulate.status == 0)
        let states = ["H01_A0h1f1_B0h1f1", "H02_A0h1f1_B1h1f1", "H03_A1h1f1_B0h1f1", "H04_A1h1f1_B1h1f1"]
            .map { "\(dir)/state_\($0).mrc" }
        let diff = try AnalysisCLITests.run(["diffmap"] + states + ["--no-scale", "--out", dir + "/diff.mrc"])
        #expect(diff.status == 0)
        let maps = try states.map(Self.voxels)
        let merged = try Self.voxels(dir + "/diff.mrc")
        #expect(merged.count == 24 * 24 * 24)
        var worst: Float = 0, peak: Float = 0
        for i in merged.indices {
            var expected: Float = 0
            for k in 0..<4 { for l in (k + 1)..<4 { expected = max(expected, abs(maps[k][i] - maps[l][i])) } }
            worst = max(worst, abs(expected - merged[i])); peak = max(peak, expected)
        }
        #expect(peak > 0 && worst == 0)
        // Scenario 1: side A's arm is lowered (H01, H02) or raised (H03, H04): the two hand ROIs anti-correlate.
        let covariance = try AnalysisCLITests.run(["covariance"] + states.flatMap { ["--class-map", $0] } + [
            "--roi", "lowered=\(dir)/mask_hand_A_lowered.mrc", "--roi", "raised=\(dir)/mask_hand_A_raised.mrc",
            "--reference-map", states[0], "--full", "raised=\(states[2])", "--json", dir + "/cov.json"])
        #expect(covariance.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/cov.json"))) as! [String: Any]
        let r = json["R"] as! [[Double]]
        #expect(abs(r[0][1] + 1) < 1e-6)
        let occupancy = json["occupancy"] as! [[Double]]
        #expect(abs(occupancy[0][0] - 1) < 1e-6 && abs(occupancy[2][1] - 1) < 1e-6)
        // --classes RUN --weighted: class fractions 3:1:1:1 from the run STAR weight the covariance.
        let run = dir + "/run"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        for (k, state) in states.enumerated() {
            try FileManager.default.copyItem(atPath: state, toPath: run + String(format: "/class_%03d.mrc", k + 1))
        }
        let rows = [1, 1, 1, 2, 3, 4].enumerated().map { "\($0.offset + 1)@p.mrcs \($0.element) \($0.offset + 1) 1" }
        try (["data_particles", "loop_", "_rlnImageName", "_rlnClassNumber", "_rlnFoveaParticleIndex",
              "_rlnFoveaOperatorIndex"] + rows).joined(separator: "\n").write(toFile: run + "/particles.star", atomically: true, encoding: .utf8)
        let weighted = try AnalysisCLITests.run(["covariance", "--classes", run, "--weighted",
            "--roi", "lowered=\(dir)/mask_hand_A_lowered.mrc", "--reference-map", states[0], "--json", dir + "/w.json"])
        #expect(weighted.status == 0 && weighted.output.contains("weighted by class row fractions"))
        let w = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/w.json"))) as! [String: Any]
        #expect(w["weights"] as! [Double] == [3, 1, 1, 1])
        let o = (w["occupancy"] as! [[Double]]).map { $0[0] }
        let mean = (3 * o[0] + o[1] + o[2] + o[3]) / 6
        let variance = (3 * (o[0] - mean) * (o[0] - mean) + o[1...].reduce(0) { $0 + ($1 - mean) * ($1 - mean) }) / 6
        #expect(abs((w["covariance"] as! [[Double]])[0][0] - variance) < 1e-12)
        #expect(weighted.output.contains("noise test skipped"))
        // With half maps beside the classes (here equal to the class: no noise), the F test finds the
        // hand varying and the foot (the same in every state) not, and gates R between them to 0.
        for (k, state) in states.enumerated() {
            for half in 1...2 { try FileManager.default.copyItem(atPath: state, toPath: run + String(format: "/class_%03d_half%d.mrc", k + 1, half)) }
        }
        let gated = try AnalysisCLITests.run(["covariance", "--classes", run, "--roi", "lowered=\(dir)/mask_hand_A_lowered.mrc",
            "--roi", "foot=\(dir)/mask_near_foot_A.mrc", "--reference-map", states[0], "--json", dir + "/g.json"])
        #expect(gated.status == 0 && gated.output.contains("R, noise-gated"))
        let g = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/g.json"))) as! [String: Any]
        let noise = g["noiseTest"] as! [String: Any]
        #expect(noise["varies"] as! [Bool] == [true, false])
        let gatedR = noise["Rgated"] as! [[Any]]
        #expect(gatedR[0][0] as? Double == 1 && gatedR[0][1] as? Double == 0 && gatedR[1][1] is NSNull)
        // Different boxes: a clear error naming the file and field.
        let small = dir + "/small"
        _ = try AnalysisCLITests.run(["simulate", "--box", "16", "--pixel-size", "26", "--scenario", "1", "--output", small])
        let bad = try AnalysisCLITests.run(["diffmap", states[0], small + "/component_core.mrc", "--out", dir + "/x.mrc"])
        #expect(bad.status != 0 && bad.output.contains("component_core.mrc, field nx: box 16 differs from 24"))
    }
}
