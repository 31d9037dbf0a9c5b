import Foundation
import Testing
import FoveaAnalysis

/// Run and truth STAR fixtures written per test in unique temporary folders (run-folder contract).
@Suite("Run rows, truth sides and replicate agreement")
struct RunAndTruthTests {
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "fovea-analysis-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A run STAR with 2 classes: rows (particle, operator, class).
    static func runStar(_ rows: [(Int, Int, Int)], extraColumn: Bool = true) -> String {
        var text = "data_optics\nloop_\n_rlnOpticsGroup #1\n_rlnImagePixelSize #2\n1 5.24\n\ndata_particles\nloop_\n"
        text += "_rlnImageName #1\n_rlnClassNumber #2\n_rlnFoveaParticleIndex #3\n_rlnFoveaOperatorIndex #4\n"
        text += extraColumn ? "_rlnFoveaOccupancy1 #5\n_rlnFoveaOccupancy2 #6\n" : ""
        for (p, op, c) in rows {
            text += "\(p)@particles.mrcs \(c) \(p) \(op)" + (extraColumn ? (c == 1 ? " 90 10" : " 10 90") : "") + "\n"
        }
        return text
    }

    /// Truth with side A arm = armA[p], side B arm = armB[p] (hands and feet absent).
    static func truthStar(armA: [Int], armB: [Int]) -> String {
        var text = "data_truth\nloop_\n_foveaParticleIndex #1\n_foveaScenario #2\n_foveaHumanoidMap #3\n"
        let names = ["Arm", "Hand", "Foot", "Label"]
        var k = 4
        for side in ["A", "B"] { for name in names { text += "_foveaSide\(side)\(name) #\(k)\n"; k += 1 } }
        for p in armA.indices {
            text += "\(p + 1) 1 1 \(armA[p]) 0 0 \(armA[p]) \(armB[p]) 0 0 \(armB[p])\n"
        }
        return text
    }

    @Test("Copies are scored against the side under the mask; --mask-side B swaps them")
    func sides() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let armA = [1, 2, 1, 2], armB = [2, 2, 1, 1]
        try Self.truthStar(armA: armA, armB: armB).write(toFile: dir + "/truth.star", atomically: true, encoding: .utf8)
        // Classes equal to side A's arm for op 1 and side B's arm for op 2: perfect with mask on A.
        var rows: [(Int, Int, Int)] = []
        for p in 0..<4 { rows.append((p + 1, 1, armA[p])); rows.append((p + 1, 2, armB[p])) }
        try Self.runStar(rows).write(toFile: dir + "/particles.star", atomically: true, encoding: .utf8)
        let run = try ClassifiedRows(runOrStar: dir)
        #expect(run.count == 8 && run.classLabels == [1, 2])
        let truth = try TruthTable(path: dir + "/truth.star")
        let statesA = try truth.states(of: run, property: .arm, maskSide: .a)
        #expect(statesA == [1, 2, 2, 2, 1, 1, 2, 1])
        #expect(KappaScore(classes: run.classNumber, states: statesA).pooled.kappa == 1)
        let statesB = try truth.states(of: run, property: .arm, maskSide: .b)
        #expect(statesB == [2, 1, 2, 2, 1, 1, 1, 2])
        #expect(try truth.states(of: run, property: .arm, maskSide: .a, opposite: true) == statesB)
    }

    @Test("Bad input: missing column named, run row without truth, missing truth column")
    func badInput() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "data_particles\nloop_\n_rlnImageName #1\n1@a.mrcs\n".write(toFile: dir + "/noclass.star", atomically: true, encoding: .utf8)
        #expect { try ClassifiedRows(runOrStar: dir + "/noclass.star") } throws: { "\($0)".contains("rlnClassNumber") }
        try Self.truthStar(armA: [1, 2], armB: [2, 1]).write(toFile: dir + "/truth.star", atomically: true, encoding: .utf8)
        try Self.runStar([(1, 1, 1), (3, 1, 2)]).write(toFile: dir + "/run.star", atomically: true, encoding: .utf8)
        let run = try ClassifiedRows(runOrStar: dir + "/run.star")
        let truth = try TruthTable(path: dir + "/truth.star")
        #expect { try truth.states(of: run, property: .arm, maskSide: .a) } throws: { "\($0)".contains("particle 3 has no row") }
        try "data_truth\nloop_\n_foveaParticleIndex #1\n1\n3\n".write(toFile: dir + "/thin.star", atomically: true, encoding: .utf8)
        #expect { try TruthTable(path: dir + "/thin.star").states(of: run, property: .hand, maskSide: .a) } throws: {
            "\($0)".contains("foveaSideAHand")
        }
    }

    @Test("Agreement: a relabelled replicate has kappa 1; changed rows are unstable; stable STAR written")
    func agreement() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = (1...20).map { ($0, 1, 1 + $0 % 2) }
        let swapped = base.reversed().map { ($0.0, $0.1, 3 - $0.2) }  // other row order, labels swapped
        var changed = base
        changed[0].2 = 3 - changed[0].2
        changed[5].2 = 3 - changed[5].2
        for (name, rows) in [("a", base), ("b", Array(swapped)), ("c", changed)] {
            try Self.runStar(rows).write(toFile: "\(dir)/\(name).star", atomically: true, encoding: .utf8)
        }
        let runs = try ["a", "b", "c"].map { try ClassifiedRows(runOrStar: "\(dir)/\($0).star") }
        let result = try ReplicateAgreement(runs)
        #expect(result.pairwiseKappa[0][1] == 1 && result.pairwiseKappa[1][0] == 1)
        #expect(result.pairwiseKappa[0][2] < 1)
        #expect(result.pairwiseAgreement[0][2] == 18.0 / 20.0)
        #expect(result.stable.filter { !$0 }.count == 2 && !result.stable[0] && !result.stable[5])
        try runs[0].writeSubset(result.stable.indices.filter { result.stable[$0] }, to: dir + "/stable.star")
        let stable = try ClassifiedRows(runOrStar: dir + "/stable.star")
        #expect(stable.count == 18 && !stable.particleIndex.contains(1) && !stable.particleIndex.contains(6))
    }
}
