import Foundation
import Testing
import FoveaClassify
import _FoveaClassifyTestSupport
import FoveaCore
import FoveaDistributed

/// `--focus 3d --mask-outside consensus` end to end on the synthetic two-region object.
@Suite struct ConsensusOutsideEngineTests {
    static func config(cycles: Int, outsideWeight: Double, source: OutsideDensitySource) throws -> ClassificationConfig {
        try ClassificationConfig(classCount: 2, cycles: cycles, focus: .threeD, sphere: SyntheticDataset.focus,
                                 outerRadius: 90, classificationResolution: 10,
                                 referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200,
                                 expansionGroup: "C1", seed: 3, threads: 2,
                                 convergence: ConvergenceCriteria(classAverageChange: 0, changedFraction: 0,
                                                                  minimumCycles: cycles),
                                 referenceMask: ReferenceMaskSettings(outsideWeight: outsideWeight, outsideSource: source))
    }

    /// The consensus map is an occupancy-weighted sum over classes, computed the same on every
    /// rank: best classes are identical on 1 and 2 ranks, and the class maps agree to rounding.
    @Test(arguments: [0.25, 1.0])
    func resultsDoNotDependOnTheNumberOfRanks(outsideWeight: Double) throws {
        let data = EngineClassificationTests.highSNR
        let config = try Self.config(cycles: 4, outsideWeight: outsideWeight, source: .consensus)
        let single = try EngineClassificationTests.run(config, data.particles)
        let ranges = ShardingPlan.ranges(count: data.particles.count, size: 2)
        let results = try LocalGroup(size: 2).run { communicator -> ([Int32], [Volume]) in
            let engine = try ClassificationEngine(config: config, particles: Array(data.particles[ranges[communicator.rank]]),
                                                  references: nil, focusMask: nil, communicator: communicator)
            _ = try engine.run()
            return (engine.bestClasses, engine.classVolumes)
        }
        #expect(results.flatMap(\.0) == single.bestClasses)
        for result in results {
            for (k, volume) in result.1.enumerated() {
                let reference = single.classVolumes[k].voxels
                let scale = reference.map { abs($0) }.max() ?? 0
                let worst = zip(volume.voxels, reference).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-4 * scale, "class \(k + 1): max difference \(worst)")
            }
        }
    }

    /// The consensus outside changes the references (so the option is not ignored), and on the
    /// two-state set the focused region is still found.
    @Test func consensusOutsideFindsTheSmallRegion() throws {
        let data = EngineClassificationTests.twoState
        let consensus = try EngineClassificationTests.run(try Self.config(cycles: 10, outsideWeight: 1, source: .consensus),
                                                          data.particles)
        let own = try EngineClassificationTests.run(try Self.config(cycles: 10, outsideWeight: 1, source: .own), data.particles)
        #expect(consensus.classVolumes != own.classVolumes || consensus.bestClasses != own.bestClasses)
        let small = twoClassKappa(consensus.bestClasses, data.truth.map { $0[0] })
        let large = twoClassKappa(consensus.bestClasses, data.truth.map { $0[1] })
        #expect(small >= 0.9)
        #expect(large < 0.2)
    }
}
