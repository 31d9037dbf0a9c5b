import Foundation
import Testing
import FoveaAnalysis

/// The preprint's measures and the class → state matching.
@Suite struct KappaTests {
    /// A hand-made table, every measure computed by hand: TP 40, FP 10, TN 45, FN 5 (N 100):
    /// accuracy 0.85, sensitivity 40/45, specificity 45/55, P_e = (50·45 + 50·55)/100² = 0.5,
    /// κ = (0.85 − 0.5)/0.5 = 0.7, J = 40/45 + 45/55 − 1.
    @Test func measuresFollowThePreprintsFormulas() {
        let c = ConfusionCounts(tp: 40, fp: 10, tn: 45, fn: 5)
        #expect(c.n == 100)
        #expect(abs(c.accuracy - 0.85) < 1e-12)
        #expect(abs(c.sensitivity - 40.0 / 45) < 1e-12)
        #expect(abs(c.specificity - 45.0 / 55) < 1e-12)
        #expect(abs(c.chanceAgreement - 0.5) < 1e-12)
        #expect(abs(c.kappa - 0.7) < 1e-12)
        #expect(abs(c.youdenJ - (40.0 / 45 + 45.0 / 55 - 1)) < 1e-12)
    }

    @Test func perfectAssignmentUnderAnyLabellingGivesOne() {
        let truth = (0..<400).map { $0 % 4 }
        let relabel = [2, 0, 3, 1]
        let table = ContingencyTable(assigned: truth.map { relabel[$0] }, truth: truth, classCount: 4, stateCount: 4)
        let matching = table.bestMatching()
        #expect((0..<4).allSatisfy { matching[relabel[$0]] == $0 })
        #expect(table.confusion(matching: matching).kappa == 1)
        #expect(abs(table.cohenKappa(matching: matching) - 1) < 1e-12)
    }

    @Test func randomAssignmentGivesAboutZero() {
        var state: UInt64 = 12345
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        let truth = (0..<10_000).map { _ in next() % 2 }, assigned = (0..<10_000).map { _ in next() % 2 }
        let table = ContingencyTable(assigned: assigned, truth: truth, classCount: 2, stateCount: 2)
        let kappa = table.confusion(matching: table.bestMatching()).kappa
        #expect(abs(kappa) < 0.05, "κ = \(kappa)")
    }

    /// With two balanced states the pooled κ equals Cohen's κ of the 2 × 2 table.
    @Test func twoClassPooledKappaIsCohensKappa() {
        let table = ContingencyTable(counts: [[45, 5], [5, 45]])
        let m = table.bestMatching()
        #expect(m == [0, 1])
        #expect(abs(table.confusion(matching: m).kappa - table.cohenKappa(matching: m)) < 1e-12)
        #expect(abs(table.cohenKappa(matching: m) - 0.8) < 1e-12)
    }

    @Test func runAndTruthFilesAreReadAndScoredPerAsymmetricUnit() throws {
        let folder = NSTemporaryDirectory() + "fovea-kappa-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Three particles × C2: copy 1 sees side A, copy 2 side B. Classes follow the arm (1/2) exactly
        // except particle 3's copy 2.
        try """
        data_truth
        loop_
        _foveaParticleIndex
        _foveaSideALabel
        _foveaSideBLabel
        1 1 2
        2 2 2
        3 1 1
        """.write(toFile: folder + "/truth.star", atomically: true, encoding: .utf8)
        try """
        data_particles
        loop_
        _rlnImageName
        _rlnClassNumber
        _rlnFoveaParticleIndex
        _rlnFoveaOperatorIndex
        1@s.mrcs 2 1 1
        1@s.mrcs 1 1 2
        2@s.mrcs 1 2 1
        2@s.mrcs 1 2 2
        3@s.mrcs 2 3 1
        3@s.mrcs 1 3 2
        """.write(toFile: folder + "/particles.star", atomically: true, encoding: .utf8)
        let score = try TruthScore(run: try RunAssignments(runOrStar: folder), truth: try TruthTable(path: folder + "/truth.star"))
        #expect(score.matching == [1, 0])             // class 1 ↔ state "2", class 2 ↔ state "1"
        #expect(score.table.counts == [[1, 3], [2, 0]])
        #expect(score.confusion.tp == 5 && score.confusion.fp == 1)
        // Side B under the mask swaps which copy is scored against which side.
        let swapped = try TruthScore(run: try RunAssignments(runOrStar: folder), truth: try TruthTable(path: folder + "/truth.star"),
                                     maskSide: "B")
        #expect(swapped.table.counts != score.table.counts)
        #expect(throws: (any Error).self) {
            _ = try TruthScore(run: try RunAssignments(runOrStar: folder), truth: try TruthTable(path: folder + "/truth.star"),
                               property: "Hand")
        }
    }
}
