import Testing
import FoveaClassify
import FoveaDistributed

@Suite struct InitialOccupancyTests {
    /// The tables of the ranks of a plan, gathered into one dictionary keyed by (particle, operator, class).
    private func gathered(particleCount: Int, ranks: Int, operators: Int, classes: Int, seed: UInt64) -> [ParticleRow: [Float]] {
        let locations = (0..<particleCount).map { StackLocation(file: "s\($0 % 3).mrcs", position: $0) }
        let plan = ShardingPlan(locations: locations, rankCount: ranks)
        var result: [ParticleRow: [Float]] = [:]
        for rank in 0..<ranks {
            let rows = plan.rows(forRank: rank, operatorCount: operators)
            let table = InitialOccupancies.table(rows: rows, classCount: classes, seed: seed)
            for local in 0..<rows.count { result[rows.row(local)] = Array(table.row(local)) }
        }
        return result
    }

    @Test func independentOfSharding() {
        let one = gathered(particleCount: 41, ranks: 1, operators: 3, classes: 4, seed: 9)
        #expect(one.count == 41 * 3)
        for ranks in [2, 3] {
            #expect(gathered(particleCount: 41, ranks: ranks, operators: 3, classes: 4, seed: 9) == one)
        }
        // Visiting order does not matter either: reversed particles give the same values per row.
        let reversed = ExpandedRows(particles: Array((0..<41).reversed()), operatorCount: 3)
        let table = InitialOccupancies.table(rows: reversed, classCount: 4, seed: 9)
        for local in 0..<reversed.count { #expect(Array(table.row(local)) == one[reversed.row(local)]) }
    }

    @Test func uniformOnZeroTo200OverKWithMean100OverK() {
        let classes = 5
        let rows = ExpandedRows(particles: Array(0..<4000), operatorCount: 1)
        let table = InitialOccupancies.table(rows: rows, classCount: classes, seed: 1234)
        let limit = Float(200.0 / Double(classes))
        #expect(table.values.allSatisfy { $0 >= 0 && $0 < limit })
        let mean = table.values.reduce(0.0) { $0 + Double($1) } / Double(table.values.count)
        // 20,000 draws of U[0, 40): standard error of the mean ≈ 40/√12/√20000 ≈ 0.08.
        #expect(abs(mean - 20) < 0.5)
        // Each fifth of the range holds about a fifth of the values (a crude uniformity check).
        for bin in 0..<5 {
            let inBin = table.values.filter { Int($0 / limit * 5) == bin }.count
            #expect(abs(Double(inBin) / Double(table.values.count) - 0.2) < 0.02)
        }
    }

    @Test func seedAndKeyChangeTheValues() {
        let row = ParticleRow(particle: 3, operatorIndex: 1)
        let a = InitialOccupancies.value(seed: 1, row: row, classIndex: 0, classCount: 2)
        #expect(a == InitialOccupancies.value(seed: 1, row: row, classIndex: 0, classCount: 2))
        #expect(a != InitialOccupancies.value(seed: 2, row: row, classIndex: 0, classCount: 2))
        #expect(a != InitialOccupancies.value(seed: 1, row: row, classIndex: 1, classCount: 2))
        #expect(a != InitialOccupancies.value(seed: 1, row: ParticleRow(particle: 3, operatorIndex: 0), classIndex: 0, classCount: 2))
        #expect(CounterRandom.bits(seed: 5, purpose: .initialOccupancy, 1) != CounterRandom.bits(seed: 5, purpose: .activeSubset, 1))
    }
}
