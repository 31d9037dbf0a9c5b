import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaDistributed
import _FoveaClassifyTestSupport

/// The final full-resolution pass can keep its class totals in temporary files until every class's
/// SSNR is known (`TotalsSpill`): the class maps, FSCs and half maps are those of the pass that keeps
/// them in memory, bit for bit, whatever part is spilled; the files are gone afterwards, also after a
/// failed spill, and a failure stops every rank.
@Suite struct FinalPassSpillTests {
    static func config(focus: FocusMode, classes: Int) throws -> ClassificationConfig {
        let base = try ParticleStorageTests.config(focus: focus, cycles: 2)
        return try ClassificationConfig(classCount: classes, cycles: 2, focus: focus, sphere: base.sphere,
                                        outerRadius: base.outerRadius, classificationResolution: 20,
                                        referenceBand: base.referenceBand, molecularMass: base.molecularMass,
                                        expansionGroup: "C1", seed: 7, threads: 2, convergence: base.convergence)
    }

    /// An engine of this rank's share of `particles` after its cycles (ready for the final pass).
    static func finishedEngine(_ config: ClassificationConfig, particles: [ParticleInput],
                               communicator: any Communicator) throws -> ClassificationEngine {
        let share = ShardingPlan.ranges(count: particles.count, size: communicator.size)[communicator.rank]
        let engine = try ClassificationEngine(config: config, particles: Array(particles[share]), references: nil,
                                              focusMask: nil, communicator: communicator)
        _ = try engine.run()
        return engine
    }

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/fovea-spill-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// Bytes of one class total at the test data's box.
    static var totalBytes: Int { ParticleShard.accumulatorBytesPerClass(size: ParticleStorageTests.data.particles[0].image.size) / 2 }

    /// Seeded samples of focus, K, ranks (1–3), group budget and the totals kept in memory (none,
    /// some, all): the spilled pass equals the kept one.
    @Test(arguments: 0..<4)
    func spilledTotalsGiveTheSameMaps(sample: Int) throws {
        var random = SplitMix64(seed: UInt64(1000 + sample))
        let focus = [FocusMode.twoD, .threeD, .subtract][Int(random.next() % 3)]
        let classes = 2 + Int(random.next() % 3), ranks = 1 + sample % 3
        let budget = [1, Int.max][Int(random.next() % 2)]
        let kept = [0, Self.totalBytes, Int.max][Int(random.next() % 3)]
        let config = try Self.config(focus: focus, classes: classes)
        let particles = ParticleStorageTests.data.particles
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let results = try LocalGroup(size: ranks).run { communicator -> [[Volume]] in
            let inMemory = try Self.finishedEngine(config, particles: particles, communicator: communicator)
            let spilled = try Self.finishedEngine(config, particles: particles, communicator: communicator)
            try inMemory.reconstructAtFullResolution(accumulatorBudget: budget)
            try spilled.reconstructAtFullResolution(accumulatorBudget: budget,
                                                    spill: TotalsSpill(directory: directory, keptBytes: kept))
            #expect(spilled.classVolumes.count == classes)
            #expect(spilled.classVolumes == inMemory.classVolumes && spilled.fscCurves == inMemory.fscCurves)
            #expect(spilled.halfMaps == inMemory.halfMaps)
            return [spilled.classVolumes] + spilled.halfMaps
        }
        for result in results { #expect(result == results[0]) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    /// The spilled bytes are the map's own: the pass reads back exactly what it wrote (a spilled
    /// class's map is not all zero, and the spill did write files when nothing was kept).
    @Test func spillWritesFilesWhileThePassRuns() throws {
        let config = try Self.config(focus: .twoD, classes: 3)
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try Self.finishedEngine(config, particles: ParticleStorageTests.data.particles,
                                             communicator: SerialCommunicator())
        var seen = Set<String>()
        // The half maps of the last class are handed over after every class's total is kept.
        try engine.reconstructAtFullResolution(accumulatorBudget: 1, spill: TotalsSpill(directory: directory, keptBytes: 0)) { k, _ in
            if k == config.classCount - 1 { seen = Set((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []) }
        }
        #expect(seen.count == config.classCount - 1)
        #expect(seen.allSatisfy { $0.hasPrefix(".fovea-class_") && $0.hasSuffix(".tmp") })
        #expect(engine.classVolumes.allSatisfy { $0.voxels.contains { $0 != 0 } })
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    /// A spill that cannot be written (here: a file of the spill's name is already there, as a
    /// full disk would refuse it) stops every rank with `TotalsSpillError` — the failing rank's
    /// naming the file — removes the totals spilled before, and leaves the file in the way alone.
    @Test(arguments: [1, 2, 3])
    func failedSpillStopsEveryRankAndCleansUp(ranks: Int) throws {
        let config = try Self.config(focus: .twoD, classes: 3)
        let particles = ParticleStorageTests.data.particles
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inTheWay = directory + String(format: "/.fovea-class_%03d-total-%d.tmp", 3, getpid())
        let before = Data("the user's file".utf8)
        try before.write(to: URL(fileURLWithPath: inTheWay))
        let outcomes = try LocalGroup(size: ranks).run { communicator -> TotalsSpillError? in
            let engine = try Self.finishedEngine(config, particles: particles, communicator: communicator)
            do {
                try engine.reconstructAtFullResolution(accumulatorBudget: 1, spill: TotalsSpill(directory: directory, keptBytes: 0))
                return nil
            } catch let error as TotalsSpillError {
                return error
            }
        }
        #expect(outcomes.allSatisfy { $0 != nil })
        let named = outcomes.compactMap { $0?.path }
        #expect(named == [inTheWay])
        #expect(outcomes.compactMap { $0?.code } == [EEXIST])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [(inTheWay as NSString).lastPathComponent])
        #expect(try Data(contentsOf: URL(fileURLWithPath: inTheWay)) == before)
    }
}
