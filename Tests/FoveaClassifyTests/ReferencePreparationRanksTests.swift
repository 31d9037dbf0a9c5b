import Foundation
import Testing
import FoveaClassify
import _FoveaClassifyTestSupport
import _FoveaTestSupport
import FoveaCore
import FoveaDistributed

/// The K reference projectors are prepared by their owners (class k on rank k mod p, the outside
/// projector of `subtract` on rank K mod p) and broadcast. From the same starting maps every
/// rank must then hold the projectors one rank preparing all of them makes, bit for bit: the
/// first cycle's LogP of every row (a function of the prepared projectors and the row alone) is
/// the same on 1–4 ranks, for every focus mode and seeded configurations.
@Suite struct ReferencePreparationRanksTests {
    static let data = SyntheticDataset.make(count: 48, snr: 0.5, seed: 17)

    @Test(arguments: FocusMode.allCases)
    func firstCycleLogPIsBitIdenticalOnOneToFourRanks(focus: FocusMode) throws {
        var random = TestRandom(seed: 5 + UInt64(FocusMode.allCases.firstIndex(of: focus)!))
        for _ in 0..<2 {
            let classes = Int(random.uniform(2, 6))
            let references = (0..<classes).map { Self.data.maps[$0 % Self.data.maps.count] }
            let outside: OutsideDensitySource = random.uniform(0, 1) < 0.5 ? .own : .consensus
            let config = try ClassificationConfig(
                classCount: classes, cycles: 1, focus: focus, sphere: focus == .none ? nil : SyntheticDataset.focus,
                outerRadius: 90, classificationResolution: 10, referenceBand: ReferenceBand(low: 300, high: 10),
                molecularMass: 200, expansionGroup: "C1", seed: UInt64(random.uniform(1, 1000)),
                threads: Int(random.uniform(1, 4)),
                convergence: ConvergenceCriteria(classAverageChange: 0, changedFraction: 0, minimumCycles: 1),
                referenceMask: ReferenceMaskSettings(outsideWeight: random.uniform(0, 1),
                                                     outsideLowPass: random.uniform(0, 1) < 0.5 ? 20 : nil, outsideSource: outside))
            let particles = Self.data.particles
            let single = try ClassificationEngine(config: config, particles: particles, references: references, focusMask: nil,
                                                  communicator: SerialCommunicator())
            try single.runCycle()
            #expect(single.logP.values.allSatisfy { $0.isFinite })
            for ranks in 2...4 {
                let ranges = ShardingPlan.ranges(count: particles.count, size: ranks)
                let parts = try LocalGroup(size: ranks).run { communicator -> [Float] in
                    let engine = try ClassificationEngine(config: config, particles: Array(particles[ranges[communicator.rank]]),
                                                          references: references, focusMask: nil, communicator: communicator)
                    try engine.runCycle()
                    return engine.logP.values
                }
                #expect(parts.flatMap { $0 } == single.logP.values,
                        "focus \(focus.rawValue), K \(classes), \(ranks) ranks: cycle-1 LogP differs from 1 rank")
            }
        }
    }
}
