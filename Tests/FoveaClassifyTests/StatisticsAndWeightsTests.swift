import Testing
import FoveaDistributed
import FoveaClassify

@Suite struct StatisticsAndWeightsTests {
    // Five rows, three classes, worked out by hand.
    let occupancy = ClassTable(rowCount: 5, classCount: 3, values: [90, 10, 0,
                                                                    0, 100, 0,
                                                                    30, 30, 40,
                                                                    50, 50, 0,
                                                                    0, 0, 100])
    let logP = ClassTable(rowCount: 5, classCount: 3, values: [-10, -12, -30,
                                                               -40, -20, -35,
                                                               -5, -5, -4,
                                                               -7, -7, -20,
                                                               -60, -60, -1])
    let previousBest: [Int32] = [0, 0, 2, 1, 2]

    @Test func argmaxTakesTheLowestClassOnTies() {
        #expect(occupancy.argmaxPerRow() == [0, 1, 2, 0, 2])
    }

    @Test func statisticsOfAHandMadeTable() throws {
        let previous = CycleStatistics(cycle: 1, rowCount: 5, softFractions: [0.4, 0.4, 0.2], hardFractions: [0.4, 0.2, 0.4],
                                       changedFraction: 1, meanLogP: 0, classAverageChange: nil)
        let stats = try CycleStatistics.reduce(cycle: 2, occupancy: occupancy, logP: logP, bestClass: occupancy.argmaxPerRow(),
                                               previousBestClass: previousBest, previous: previous, active: nil,
                                               communicator: SerialCommunicator())
        // Soft: column means / 100 = (170, 190, 140)/5/100.
        let soft = [0.34, 0.38, 0.28]
        for k in 0..<3 { #expect(abs(stats.softFractions[k] - soft[k]) < 1e-9) }
        #expect(stats.hardFractions == [0.4, 0.2, 0.4])
        // Rows 1 (0 → 1) and 3 (1 → 0) changed.
        #expect(stats.changedFraction == 0.4)
        // Best LogPs −10, −20, −4, −7, −1.
        #expect(abs(stats.meanLogP - -8.4) < 1e-12)
        // |34 − 40| + |38 − 40| + |28 − 20| = 16 percentage points.
        #expect(abs(stats.classAverageChange! - 16) < 1e-6)
        #expect(stats.rowCount == 5 && stats.cycle == 2)
        // With rows 1 and 3 inactive: rows 0, 2, 4 only.
        let active = try CycleStatistics.reduce(cycle: 2, occupancy: occupancy, logP: logP, bestClass: occupancy.argmaxPerRow(),
                                                previousBestClass: previousBest, previous: nil, active: [true, false, true, false, true],
                                                communicator: SerialCommunicator())
        #expect(active.rowCount == 3 && active.changedFraction == 0 && active.classAverageChange == nil)
        #expect(abs(active.softFractions[0] - 0.4) < 1e-9 && abs(active.meanLogP - -5) < 1e-12)
    }

    @Test func statisticsAreTheSameOnTwoRanks() throws {
        let single = try CycleStatistics.reduce(cycle: 3, occupancy: occupancy, logP: logP, bestClass: occupancy.argmaxPerRow(),
                                                previousBestClass: previousBest, previous: nil, active: nil,
                                                communicator: SerialCommunicator())
        let occupancy = occupancy, logP = logP, previousBest = previousBest
        let split = try LocalGroup(size: 2).run { communicator in
            let range = communicator.rank == 0 ? 0..<2 : 2..<5
            func part(_ table: ClassTable) -> ClassTable {
                ClassTable(rowCount: range.count, classCount: 3, values: Array(table.values[range.lowerBound * 3 ..< range.upperBound * 3]))
            }
            let occ = part(occupancy)
            return try CycleStatistics.reduce(cycle: 3, occupancy: occ, logP: part(logP), bestClass: occ.argmaxPerRow(),
                                              previousBestClass: Array(previousBest[range]), previous: nil, active: nil,
                                              communicator: communicator)
        }
        #expect(split[0] == single && split[1] == single)
    }

    @Test func stoppingRule() throws {
        let criteria = ConvergenceCriteria(classAverageChange: 1, changedFraction: 0.01, minimumCycles: 3)
        func stats(cycle: Int, change: Double?, changed: Double) -> CycleStatistics {
            CycleStatistics(cycle: cycle, rowCount: 10, softFractions: [1], hardFractions: [1], changedFraction: changed,
                            meanLogP: 0, classAverageChange: change)
        }
        #expect(criteria.stopReason(after: stats(cycle: 5, change: 5, changed: 0.5), cycleLimit: 5) == .cycleLimit)
        #expect(criteria.stopReason(after: stats(cycle: 4, change: 0.5, changed: 0.005), cycleLimit: 10) == .converged)
        #expect(criteria.stopReason(after: stats(cycle: 2, change: 0.5, changed: 0.005), cycleLimit: 10) == nil)
        #expect(criteria.stopReason(after: stats(cycle: 4, change: 1.5, changed: 0.005), cycleLimit: 10) == nil)
        #expect(criteria.stopReason(after: stats(cycle: 4, change: 0.5, changed: 0.02), cycleLimit: 10) == nil)
        #expect(criteria.stopReason(after: stats(cycle: 4, change: nil, changed: 0), cycleLimit: 10) == nil)
    }

    @Test func reconstructionWeightsByHand() throws {
        // ⟨OCC⟩ over active rows 0 and 2: class 0 (80 + 20)/2 = 50, class 1 (20 + 80)/2 = 50.
        // ⟨σ⟩ over active rows = (1 + 3)/2 = 2.
        let occupancy = ClassTable(rowCount: 3, classCount: 2, values: [80, 20, 50, 50, 20, 80])
        let weights = try ReconstructionWeights.compute(occupancy: occupancy, sigma: [1, 5, 3], active: [true, false, true],
                                                        communicator: SerialCommunicator())
        let expected: [Double] = [80.0 / 50 * 4, 20.0 / 50 * 4, 0, 0, 20.0 / 50 * 4 / 9, 80.0 / 50 * 4 / 9]
        for i in 0..<6 { #expect(abs(Double(weights.values[i]) - expected[i]) < 1e-5) }
    }
}
