import Foundation
import Testing
import FoveaAnalysis
import FoveaCore

@Suite("Chi-square distribution and independence tests")
struct IndependenceTestTests {
    @Test("Tabulated 5 % critical values give p = 0.05")
    func criticalValues() {
        for (x, df) in [(3.841459, 1), (5.991465, 2), (9.487729, 4), (18.307038, 10), (43.772972, 30)] {
            #expect(abs(ChiSquareDistribution.upperTail(x, degreesOfFreedom: df) - 0.05) < 1e-6)
        }
        #expect(abs(ChiSquareDistribution.upperTail(6.634897, degreesOfFreedom: 1) - 0.01) < 1e-7)
    }

    @Test("Closed forms: df 2 → exp(−x/2), df 1 → erfc(√(x/2))")
    func closedForms() {
        for x in [0.01, 0.5, 1.0, 2.5, 7.0, 20.0, 60.0] {
            let two = ChiSquareDistribution.upperTail(x, degreesOfFreedom: 2)
            #expect(abs(two - exp(-x / 2)) <= 1e-12 * max(1, exp(-x / 2)) + 1e-300)
            #expect(abs(two / exp(-x / 2) - 1) < 1e-10)
            let one = ChiSquareDistribution.upperTail(x, degreesOfFreedom: 1)
            #expect(abs(one / erfc((x / 2).squareRoot()) - 1) < 1e-10)
        }
    }

    @Test("χ², df and Cramér's V of a hand-made 2×2 table")
    func handTable() {
        // Rows totals 50/50, columns 60/40, N 100: E = 30, 20, 30, 20.
        let table = ConfusionTable(rowLabels: [1, 2], columnLabels: [1, 2], counts: [[40, 10], [20, 30]])
        let test = IndependenceTest(table)
        let expected = 100.0 / 30 + 100.0 / 20 + 100.0 / 30 + 100.0 / 20  // (±10)²/E
        #expect(abs(test.statistic - expected) < 1e-12)
        #expect(test.degreesOfFreedom == 1)
        #expect(abs(test.cramersV - (expected / 100).squareRoot()) < 1e-12)
        #expect(abs(test.pValue - erfc((expected / 2).squareRoot())) < 1e-12)
    }

    @Test("Permutation test: coupled labels p < 0.01, independent labels p well above")
    func permutation() {
        var random = SeededRandom(seed: 11)
        let a = (0..<2000).map { _ in 1 + Int(random.next() % 2) }
        let coupled = a.map { random.uniform() < 0.6 ? $0 : 1 + Int(random.next() % 2) }
        let independent = (0..<2000).map { _ in 1 + Int(random.next() % 2) }
        let pCoupled = IndependenceTest.permutationPValue(rows: a, columns: coupled, permutations: 200, seed: 3)
        #expect(pCoupled < 0.01)
        #expect(IndependenceTest(ConfusionTable(rows: a, columns: coupled)).pValue < 1e-6)
        let pIndependent = IndependenceTest.permutationPValue(rows: a, columns: independent, permutations: 200, seed: 3)
        let chi = IndependenceTest(ConfusionTable(rows: a, columns: independent))
        #expect(pIndependent > 0.01)
        // Permutation and χ² p-values agree roughly for a large table.
        #expect(abs(pIndependent - chi.pValue) < 0.15)
    }
}
