import Foundation
import Testing
import FoveaDistributed
import FoveaClassify
import _FoveaTestSupport

@Suite struct OccupancyUpdateTests {
    /// Bayes' rule in Double by log-sum-exp, written independently of the E-step's formulation:
    /// posterior_k = π_k·e^{LogP_k} / Σ_j π_j·e^{LogP_j}, in %.
    private func bayes(_ logP: [Double], _ priors: [Double]) -> [Double] {
        let logTerms = zip(logP, priors).map { $0 + log($1) }
        let top = logTerms.max()!
        let normaliser = top + log(logTerms.reduce(0) { $0 + exp($1 - top) })
        return logTerms.map { 100 * exp($0 - normaliser) }
    }

    @Test func eStepMatchesBruteForceBayes() {
        var random = TestRandom(seed: 3)
        let rows = 300, classes = 4
        // LogPs of realistic size (≈ −1e4) whose spread within a row stays under the cut.
        let logP = (0..<rows).flatMap { _ -> [Float] in
            let base = random.uniform(-20_000, -5_000)
            return (0..<classes).map { _ in Float(base + random.uniform(-4.9, 4.9)) }
        }
        let priors = [10.0, 40.0, 30.0, 20.0]
        let table = ClassTable(rowCount: rows, classCount: classes, values: logP)
        let occupancy = OccupancyUpdate.expectationStep(logP: table, priors: priors)
        for row in 0..<rows {
            let expected = bayes(table.row(row).map(Double.init), priors)
            for k in 0..<classes { #expect(abs(Double(occupancy[row, k]) - expected[k]) < 1e-4) }
            #expect(abs(occupancy.row(row).reduce(0, +) - 100) < 1e-3)
        }
    }

    @Test func classesTenUnitsBelowTheBestGetZero() {
        let logP = ClassTable(rowCount: 2, classCount: 4, values: [-100, -109.99, -110, -115,
                                                                  -50, -50, -70, -59.5])
        let priors = [25.0, 25, 25, 25]
        let occupancy = OccupancyUpdate.expectationStep(logP: logP, priors: priors)
        #expect(occupancy[0, 1] > 0 && occupancy[0, 2] == 0 && occupancy[0, 3] == 0)
        let kept = bayes([-100, -109.99], [25, 25])
        #expect(abs(Double(occupancy[0, 0]) - kept[0]) < 1e-4 && abs(Double(occupancy[0, 1]) - kept[1]) < 1e-6)
        #expect(occupancy[1, 0] == occupancy[1, 1] && occupancy[1, 2] == 0 && occupancy[1, 3] > 0)
        // A larger cut keeps the far class.
        let wide = OccupancyUpdate.expectationStep(logP: logP, priors: priors, cut: 10.5)
        #expect(wide[0, 2] > 0 && wide[0, 3] == 0)
    }

    @Test func emptiedClassPriorFallsBackToUniformWithinTheCut() {
        // Only class 0 is within the cut, but its prior is 0: the row still sums to 100.
        let logP = ClassTable(rowCount: 1, classCount: 3, values: [0, -20, -30])
        let occupancy = OccupancyUpdate.expectationStep(logP: logP, priors: [0, 60, 40])
        #expect(Array(occupancy.row(0)) == [100, 0, 0])
        // A prior of 0 with another class in the cut: that class takes everything.
        let near = OccupancyUpdate.expectationStep(logP: ClassTable(rowCount: 1, classCount: 2, values: [0, -1]), priors: [0, 100])
        #expect(Array(near.row(0)) == [0, 100])
    }

    @Test func priorsReduceToTheSameValuesOnOneTwoAndThreeRanks() throws {
        var random = TestRandom(seed: 17)
        let rows = 101, classes = 3
        let values = (0..<rows * classes).map { _ in Float(random.uniform(0, 100)) }
        let whole = ClassTable(rowCount: rows, classCount: classes, values: values)
        let single = try OccupancyUpdate.classPriors(previous: whole, communicator: SerialCommunicator())
        for k in 0..<classes {
            let mean = (0..<rows).reduce(0.0) { $0 + Double(whole[$1, k]) } / Double(rows)
            #expect(abs(single[k] - mean) < 1e-8)
        }
        for ranks in [2, 3] {
            let ranges = ShardingPlan.ranges(count: rows, size: ranks)
            let perRank = try LocalGroup(size: ranks).run { communicator in
                let range = ranges[communicator.rank]
                let part = ClassTable(rowCount: range.count, classCount: classes,
                                      values: Array(values[range.lowerBound * classes ..< range.upperBound * classes]))
                return try OccupancyUpdate.classPriors(previous: part, communicator: communicator)
            }
            for result in perRank { #expect(result == single, "\(ranks) ranks") }
        }
    }

    @Test func classAveragesUseOnlyActiveRows() throws {
        let occupancy = ClassTable(rowCount: 3, classCount: 2, values: [100, 0, 20, 80, 50, 50])
        let averages = try OccupancyUpdate.classAverages(of: occupancy, active: [true, false, true], communicator: SerialCommunicator())
        #expect(abs(averages[0] - 75) < 1e-8 && abs(averages[1] - 25) < 1e-8)
        let none = try OccupancyUpdate.classAverages(of: occupancy, active: [false, false, false], communicator: SerialCommunicator())
        #expect(none == [50, 50])
    }

    @Test func sigmaBecomesTheOccupancyWeightedMean() {
        let sigma = ClassTable(rowCount: 2, classCount: 3, values: [1, 2, 4, 10, 10, 10])
        let occupancy = ClassTable(rowCount: 2, classCount: 3, values: [50, 25, 25, 0, 100, 0])
        #expect(OccupancyUpdate.updatedSigma(perClass: sigma, occupancy: occupancy) == [2, 10]) // 1·0.5 + 2·0.25 + 4·0.25 = 2
    }
}
