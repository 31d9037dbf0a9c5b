import Foundation
import Testing
import FoveaDistributed
import FoveaClassify
import _FoveaTestSupport

/// The global reductions give bit-identical results on 1, 2 and 3 simulated ranks.
@Suite struct RankInvarianceTests {
    /// Runs `body` on every rank of an n-way contiguous split of `rowCount` rows and returns each rank's result.
    private func onRanks<R>(_ ranks: Int, rowCount: Int,
                            _ body: @escaping @Sendable (Range<Int>, any Communicator) throws -> R) throws -> [R] {
        let ranges = ShardingPlan.ranges(count: rowCount, size: ranks)
        return try LocalGroup(size: ranks).run { communicator in try body(ranges[communicator.rank], communicator) }
    }

    private func slice(_ table: ClassTable, _ range: Range<Int>) -> ClassTable {
        ClassTable(rowCount: range.count, classCount: table.classCount,
                   values: Array(table.values[range.lowerBound * table.classCount ..< range.upperBound * table.classCount]))
    }

    @Test func globalSumsAreExactAcrossShardings() throws {
        var random = TestRandom(seed: 23)
        let a = (0..<997).map { _ in random.uniform(-3e4, 1e3) }
        let b = (0..<997).map { _ in random.uniform(0, 1) * pow(10, random.uniform(-6, 2)) }
        let single = try ExactSum.globalSums([a, b], communicator: SerialCommunicator())
        #expect(abs(single[0] - a.reduce(0, +)) < 1e-6 * a.reduce(0) { $0 + abs($1) })
        #expect(abs(single[1] - b.reduce(0, +)) < 1e-8 * b.reduce(0, +))
        for ranks in [2, 3] {
            let results = try onRanks(ranks, rowCount: a.count) { range, communicator in
                try ExactSum.globalSums([Array(a[range]), Array(b[range])], communicator: communicator)
            }
            for result in results { #expect(result == single) }
        }
        #expect(try ExactSum.globalSums([[], [0, 0]], communicator: SerialCommunicator()) == [0, 0])
    }

    @Test func occupancyCycleIsBitIdenticalOnOneTwoAndThreeRanks() throws {
        var random = TestRandom(seed: 31)
        let rows = 200, classes = 3
        let logP = ClassTable(rowCount: rows, classCount: classes, values: (0..<rows).flatMap { _ -> [Float] in
            let base = random.uniform(-9000, -8000)
            return (0..<classes).map { _ in Float(base + random.uniform(-12, 12)) }
        })
        let sigma = ClassTable(rowCount: rows, classCount: classes, values: (0..<rows * classes).map { _ in Float(random.uniform(0.5, 4)) })
        let start = InitialOccupancies.table(rows: ExpandedRows(particles: Array(0..<rows), operatorCount: 1), classCount: classes, seed: 5)
        let active = (0..<rows).map { $0 % 7 != 3 }
        let single = try OccupancyCycle(cycle: 1, logP: logP, sigmaPerClass: sigma, previous: start, previousBestClass: nil,
                                        previousStatistics: nil, active: active, communicator: SerialCommunicator())
        #expect(single.statistics.rowCount == active.filter { $0 }.count)
        for ranks in [2, 3] {
            let parts = try onRanks(ranks, rowCount: rows) { range, communicator in
                try OccupancyCycle(cycle: 1, logP: slice(logP, range), sigmaPerClass: slice(sigma, range),
                                   previous: slice(start, range), previousBestClass: nil, previousStatistics: nil,
                                   active: Array(active[range]), communicator: communicator)
            }
            #expect(parts.flatMap(\.occupancy.values) == single.occupancy.values)
            #expect(parts.flatMap(\.sigma) == single.sigma)
            for part in parts {
                #expect(part.priors == single.priors)
                #expect(part.statistics == single.statistics)
            }
        }
    }

    @Test func sigmaClampMatchesATwoPassComputationAndIsShardingFree() throws {
        var random = TestRandom(seed: 41)
        var sigma = (0..<300).map { _ in Float(random.uniform(0.8, 1.2)) }
        sigma[10] = 0.05   // q = 400: a far outlier, excluded by the first pass and clamped.
        sigma[20] = 0.7    // q ≈ 2.04: clamped to the upper limit.
        sigma[30] = 0      // invalid, left alone.
        // Independent two-pass computation in Double.
        let q = sigma.map { 1 / (Double($0) * Double($0)) }
        func meanAndDeviation(_ values: [Double]) -> (Double, Double) {
            let mean = values.reduce(0, +) / Double(values.count)
            return (mean, (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot())
        }
        let valid = q.indices.filter { sigma[$0] > 0 }.map { q[$0] }
        let (m1, s1) = meanAndDeviation(valid)
        let (m2, s2) = meanAndDeviation(valid.filter { abs($0 - m1) <= 4 * s1 })
        let clamped = try SigmaOutlierClamp.apply(to: sigma, communicator: SerialCommunicator())
        #expect(clamped[30] == 0)
        for row in sigma.indices where row != 30 {
            let expectedQ = min(max(q[row], m2 - 2 * s2), m2 + 2 * s2)
            #expect(abs(Double(clamped[row]) - 1 / expectedQ.squareRoot()) < 1e-5)
        }
        #expect(abs(1 / (Double(clamped[10]) * Double(clamped[10])) - (m2 + 2 * s2)) < 1e-4)
        #expect(clamped[20] > 0.7)
        let input = sigma
        for ranks in [2, 3] {
            let parts = try onRanks(ranks, rowCount: input.count) { range, communicator in
                try SigmaOutlierClamp.apply(to: Array(input[range]), communicator: communicator)
            }
            #expect(parts.flatMap { $0 } == clamped)
        }
    }

    @Test func reconstructionWeightsAreShardingFree() throws {
        var random = TestRandom(seed: 43)
        let rows = 60
        let occupancy = ClassTable(rowCount: rows, classCount: 2, values: (0..<rows).flatMap { _ -> [Float] in
            let a = Float(random.uniform(0, 100)); return [a, 100 - a]
        })
        let sigma = (0..<rows).map { _ in Float(random.uniform(0.5, 2)) }
        let single = try ReconstructionWeights.compute(occupancy: occupancy, sigma: sigma, active: nil, communicator: SerialCommunicator())
        let parts = try onRanks(3, rowCount: rows) { range, communicator in
            try ReconstructionWeights.compute(occupancy: slice(occupancy, range), sigma: Array(sigma[range]), active: nil,
                                              communicator: communicator)
        }
        #expect(parts.flatMap(\.values) == single.values)
    }
}
