import Testing
import FoveaAnalysis
import FoveaCore

@Suite("Confusion table, preprint measures and class matching")
struct KappaTests {
    @Test("Preprint formulas on a hand-made 2×2 table (TP 40, FP 10, TN 35, FN 15)")
    func handMadeTable() {
        // Rows predicted, columns true; category 0 = positive.
        let table = ConfusionTable(rowLabels: [1, 2], columnLabels: [1, 2], counts: [[40, 10], [15, 35]])
        let m = BinaryMeasures.oneVersusRest(table, category: 0)
        #expect(m == BinaryMeasures(truePositives: 40, falsePositives: 10, trueNegatives: 35, falseNegatives: 15))
        // By hand: Po = 75/100; Pe = (50·55 + 50·45)/100² = 0.5; κ = (0.75 − 0.5)/(1 − 0.5) = 0.5.
        #expect(abs(m.accuracy - 0.75) < 1e-12)
        #expect(abs(m.chanceAgreement - 0.5) < 1e-12)
        #expect(abs(m.kappa - 0.5) < 1e-12)
        #expect(abs(m.sensitivity - 40.0 / 55.0) < 1e-12)
        #expect(abs(m.specificity - 35.0 / 45.0) < 1e-12)
        #expect(abs(m.youdenJ - (40.0 / 55.0 + 35.0 / 45.0 - 1)) < 1e-12)
        // The same 2×2 as a square table: Cohen's kappa agrees.
        #expect(abs(table.cohenKappa - 0.5) < 1e-12)
    }

    @Test("Hand-made asymmetric 2×2: kappa = 1 − (1 − Po)/(1 − Pe)")
    func asymmetricTable() {
        let m = BinaryMeasures(truePositives: 20, falsePositives: 5, trueNegatives: 60, falseNegatives: 15)
        // Po = 0.8; Pe = (25·35 + 75·65)/10000 = (875 + 4875)/10000 = 0.575; κ = 0.225/0.425.
        #expect(abs(m.kappa - 0.225 / 0.425) < 1e-12)
        #expect(abs(m.kappa - (1 - (1 - 0.8) / (1 - 0.575))) < 1e-12)
        #expect(m.total == 100)
    }

    @Test("Perfect assignment gives kappa 1 and J 1, whatever the class numbering")
    func perfect() {
        let states = (0..<400).map { 1 + $0 % 4 }
        let classes = states.map { [3, 1, 4, 2][$0 - 1] }
        let score = KappaScore(classes: classes, states: states, classLabels: [1, 2, 3, 4])
        #expect(score.pooled.kappa == 1)
        #expect(score.pooled.youdenJ == 1)
        #expect(score.multiClassKappa == 1)
        #expect(score.matching.rule == .oneToOne)
        // Class 3 holds state 1, class 1 state 2, class 4 state 3, class 2 state 4.
        #expect(score.matching.stateIndexOfClass == [1, 3, 0, 2])
    }

    @Test("Seeded random assignment of 10,000 rows gives |kappa| < 0.05")
    func random() {
        var random = SeededRandom(seed: 2024)
        for states in [2, 4] {
            let truth = (0..<10_000).map { _ in 1 + Int(random.next() % UInt64(states)) }
            let classes = (0..<10_000).map { _ in 1 + Int(random.next() % UInt64(states)) }
            let score = KappaScore(classes: classes, states: truth)
            #expect(abs(score.pooled.kappa) < 0.05)
            #expect(abs(score.multiClassKappa) < 0.05)
            #expect(abs(score.pooled.youdenJ) < 0.05)
        }
    }

    @Test("Pooled kappa with two states equals 2·accuracy − 1 of the rows")
    func pooledTwoStates() {
        let truth = [1, 1, 1, 1, 2, 2, 2, 2, 2, 2]
        let classes = [2, 2, 2, 1, 1, 1, 1, 1, 1, 2]  // after matching 2→1, 1→2: 3 + 5 = 8 of 10 right
        let score = KappaScore(classes: classes, states: truth)
        #expect(score.matching.stateIndexOfClass == [1, 0])
        #expect(abs(score.pooled.kappa - (2 * 0.8 - 1)) < 1e-12)
    }

    @Test("Hungarian matching equals brute force over all permutations")
    func hungarianAgainstBruteForce() {
        var random = SeededRandom(seed: 7)
        for trial in 0..<60 {
            let n = 1 + trial % 6, m = n + (trial % 3)
            let weights = (0..<n).map { _ in (0..<m).map { _ in Int(random.next() % 50) } }
            let assignment = BestAssignment.maximising(weights)
            #expect(Set(assignment).count == n)
            let total = assignment.enumerated().reduce(0) { $0 + weights[$1.offset][$1.element] }
            #expect(total == Self.bruteForceBest(weights))
        }
    }

    @Test("More classes than states: each class goes to its majority state")
    func manyToOne() {
        let table = ConfusionTable(rowLabels: [1, 2, 3], columnLabels: [1, 2], counts: [[9, 1], [2, 8], [6, 4]])
        let matching = ClassMatching(table)
        #expect(matching.rule == .majority)
        #expect(matching.stateIndexOfClass == [0, 1, 0])
        #expect(matching.matchedTable.counts == [[15, 5], [2, 8]])
    }

    static func bruteForceBest(_ w: [[Int]]) -> Int {
        func best(_ row: Int, _ used: Set<Int>) -> Int {
            if row == w.count { return 0 }
            var result = Int.min
            for c in w[row].indices where !used.contains(c) { result = max(result, w[row][c] + best(row + 1, used.union([c]))) }
            return result
        }
        return best(0, [])
    }
}
