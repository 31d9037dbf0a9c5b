import Foundation
import Testing
import FoveaClassify
import _FoveaClassifyTestSupport
import FoveaCore
import FoveaDistributed

/// End-to-end engine runs on the synthetic two-region object (SyntheticDataset).
@Suite struct EngineClassificationTests {
    static func config(focus: FocusMode, cycles: Int = 10, seed: UInt64 = 3, expand: String = "C1",
                       threads: Int = 2, classes: Int = 2) throws -> ClassificationConfig {
        try ClassificationConfig(classCount: classes, cycles: cycles, focus: focus,
                                 sphere: focus == .none ? nil : SyntheticDataset.focus,
                                 outerRadius: 90, classificationResolution: 10,
                                 referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200,
                                 expansionGroup: expand, seed: seed, threads: threads,
                                 convergence: ConvergenceCriteria(classAverageChange: 0, changedFraction: 0,
                                                                  minimumCycles: cycles))
    }

    static func run(_ config: ClassificationConfig, _ particles: [ParticleInput]) throws -> ClassificationEngine {
        let engine = try ClassificationEngine(config: config, particles: particles, references: nil, focusMask: nil,
                                              communicator: SerialCommunicator())
        _ = try engine.run()
        return engine
    }

    /// The two-state check: box 48, 2,000 particles, SNR 0.05; a small region in two
    /// positions and an independently varying large region. 2-D focus finds the small region;
    /// global classification follows the large one.
    static let twoState = SyntheticDataset.make(count: 2000, snr: 0.05, seed: 11)

    @Test(arguments: FocusMode.allCases)
    func twoStateKappa(focus: FocusMode) throws {
        let data = Self.twoState
        let engine = try Self.run(try Self.config(focus: focus), data.particles)
        let small = twoClassKappa(engine.bestClasses, data.truth.map { $0[0] })
        let large = twoClassKappa(engine.bestClasses, data.truth.map { $0[1] })
        print("two-state SNR 0.05, focus \(focus.rawValue): kappa small region \(small), large region \(large)")
        switch focus {
        case .none:
            #expect(small < 0.3)
            #expect(large > 0.9)
        case .twoD, .threeD, .subtract:
            #expect(small >= 0.9)
            #expect(large < 0.2)
        }
    }

    /// C2 object whose halves vary independently: with `--expand C2` and the focus on side A,
    /// copy 1 of each particle reports side A's state and copy 2 side B's.
    @Test func symmetryExpansionClassifiesEachHalf() throws {
        let data = SyntheticDataset.make(count: 500, snr: 0.5, seed: 5, symmetricHalves: true)
        let engine = try Self.run(try Self.config(focus: .twoD, expand: "C2"), data.particles)
        #expect(engine.bestClasses.count == 1000)
        let assigned = engine.bestClasses
        let copyA = stride(from: 0, to: assigned.count, by: 2).map { assigned[$0] }
        let copyB = stride(from: 1, to: assigned.count, by: 2).map { assigned[$0] }
        let both = twoClassKappa(assigned, data.truth.flatMap { $0 })
        print("C2 expansion: kappa side A \(twoClassKappa(copyA, data.truth.map { $0[0] })), "
              + "side B \(twoClassKappa(copyB, data.truth.map { $0[1] })), all copies \(both)")
        #expect(both >= 0.9)
        #expect(twoClassKappa(copyA, data.truth.map { $0[0] }) >= 0.9)
        #expect(twoClassKappa(copyB, data.truth.map { $0[1] }) >= 0.9)
        // The other side is not what a copy reports.
        #expect(twoClassKappa(copyA, data.truth.map { $0[1] }) < 0.2)
    }

    static let highSNR = SyntheticDataset.make(count: 400, snr: 1, seed: 7, largeVaries: false)

    @Test func sameSeedIsBitIdenticalAndOtherSeedsAgree() throws {
        let data = Self.highSNR
        let a = try Self.run(try Self.config(focus: .twoD, cycles: 10, seed: 21), data.particles)
        let b = try Self.run(try Self.config(focus: .twoD, cycles: 10, seed: 21, threads: 1), data.particles)
        #expect(a.occupancy == b.occupancy)
        #expect(a.logP == b.logP)
        #expect(a.classVolumes == b.classVolumes)
        let c = try Self.run(try Self.config(focus: .twoD, cycles: 10, seed: 22), data.particles)
        #expect(a.occupancy != c.occupancy)
        #expect(twoClassKappa(a.bestClasses, data.truth.map { $0[0] }) > 0.95)
        #expect(twoClassKappa(a.bestClasses, c.bestClasses.map(Int.init)) > 0.98)
    }

    @Test func resultsDoNotDependOnTheNumberOfRanks() throws {
        let data = Self.highSNR
        let config = try Self.config(focus: .twoD, cycles: 5)
        let single = try Self.run(config, data.particles)
        for ranks in [2, 3] {
            let ranges = ShardingPlan.ranges(count: data.particles.count, size: ranks)
            let results = try LocalGroup(size: ranks).run { communicator -> ([Int32], [Volume]) in
                let engine = try ClassificationEngine(config: config, particles: Array(data.particles[ranges[communicator.rank]]),
                                                      references: nil, focusMask: nil, communicator: communicator)
                _ = try engine.run()
                return (engine.bestClasses, engine.classVolumes)
            }
            #expect(results.flatMap(\.0) == single.bestClasses)
            for (rank, result) in results.enumerated() {
                for (k, volume) in result.1.enumerated() {
                    let reference = single.classVolumes[k].voxels
                    let scale = reference.map { abs($0) }.max()!
                    let worst = zip(volume.voxels, reference).map { abs($0 - $1) }.max()!
                    #expect(worst <= 1e-4 * scale, "rank \(rank) of \(ranks), class \(k + 1): max difference \(worst)")
                }
            }
        }
    }

    /// Stopping after 3 cycles and continuing from the snapshot (on 1 or 2 ranks) gives the run
    /// that never stopped.
    @Test func continuingFromASnapshotGivesTheUninterruptedRun() throws {
        let data = Self.highSNR
        let full = try Self.run(try Self.config(focus: .twoD, cycles: 6), data.particles)
        let first = try Self.run(try Self.config(focus: .twoD, cycles: 3), data.particles)
        let snapshot = try first.snapshot(particleCount: data.particles.count)
        #expect(snapshot.cycle == 3 && snapshot.history.count == 3)
        let resumed = try ClassificationEngine(config: try Self.config(focus: .twoD, cycles: 6), particles: data.particles,
                                               references: nil, focusMask: nil, communicator: SerialCommunicator(),
                                               resumingFrom: snapshot)
        _ = try resumed.run()
        #expect(resumed.cycle == 6)
        #expect(resumed.occupancy == full.occupancy)
        #expect(resumed.classVolumes == full.classVolumes)
        #expect(resumed.history.map(\.statistics) == full.history.map(\.statistics))
        let ranges = ShardingPlan.ranges(count: data.particles.count, size: 2)
        let onTwo = try LocalGroup(size: 2).run { communicator -> [Int32] in
            let engine = try ClassificationEngine(config: try Self.config(focus: .twoD, cycles: 6),
                                                  particles: Array(data.particles[ranges[communicator.rank]]),
                                                  references: nil, focusMask: nil, communicator: communicator,
                                                  resumingFrom: snapshot)
            _ = try engine.run()
            return engine.bestClasses
        }
        #expect(onTwo.flatMap { $0 } == full.bestClasses)
    }
}
