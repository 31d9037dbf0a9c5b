import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaDistributed
import _FoveaClassifyTestSupport
import _FoveaTestSupport

/// `--starts M --start-cycles C` (`ClassificationStarts`): of M seeded starts run for C cycles, the
/// one with the highest mean LogP continues; each start is the run its seed would make alone, and the
/// choice is the same on 1 and 2 ranks.
@Suite struct ClassificationStartsTests {
    static let data = SyntheticDataset.make(count: 240, snr: 0.1, seed: 37)

    static func config(seed: UInt64, classes: Int, starts: Int, startCycles: Int, cycles: Int) throws -> ClassificationConfig {
        try ClassificationConfig(classCount: classes, cycles: cycles, outerRadius: 90, classificationResolution: 10,
                                 referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200, seed: seed, threads: 2,
                                 convergence: ConvergenceCriteria(classAverageChange: 0, changedFraction: 0, minimumCycles: cycles),
                                 starts: starts, startCycles: startCycles)
    }

    /// The starts on `ranks` in-process ranks: every rank's choice and its rows' best classes.
    static func choose(_ config: ClassificationConfig, ranks: Int) throws -> [(ClassificationStarts.Choice, [Int32])] {
        let particles = Self.data.particles
        let ranges = ShardingPlan.ranges(count: particles.count, size: ranks)
        return try LocalGroup(size: ranks).run { communicator in
            let engine = try ClassificationEngine(config: config, particles: Array(particles[ranges[communicator.rank]]),
                                                  references: nil, focusMask: nil, communicator: communicator)
            let choice = try ClassificationStarts.choose(first: engine.state, shard: engine.shard, references: nil,
                                                         communicator: communicator)
            return (choice, choice.state.bestClasses)
        }
    }

    @Test func startOneIsTheRunSeedAndTheOthersDiffer() {
        var random = TestRandom(seed: 5)
        for _ in 0..<50 {
            let seed = UInt64(random.uniform(0, 1e12))
            #expect(ClassificationStarts.seed(ofStart: 1, runSeed: seed) == seed)
            let seeds = (1...8).map { ClassificationStarts.seed(ofStart: $0, runSeed: seed) }
            #expect(Set(seeds).count == seeds.count, "run seed \(seed): \(seeds)")
        }
    }

    @Test func bestIsTheFirstHighestFiniteValue() {
        #expect(ClassificationStarts.best([-3, -1, -2]) == 1)
        #expect(ClassificationStarts.best([-1, -1, -2]) == 0)
        #expect(ClassificationStarts.best([.nan, -5, -.infinity]) == 1)
        #expect(ClassificationStarts.best([-7]) == 0)
    }

    /// Each start equals its seed run alone for C cycles (mean LogP and occupancies bit for bit);
    /// the chosen one has the highest mean LogP; 2 ranks choose the same start with the same values.
    @Test(arguments: [(UInt64(3), 3, 3), (UInt64(8), 4, 2)])
    func chosenStartHasTheHighestMeanLogPOfTheSeedsRunAlone(runSeed: UInt64, classes: Int, starts: Int) throws {
        let startCycles = 2
        let config = try Self.config(seed: runSeed, classes: classes, starts: starts, startCycles: startCycles, cycles: 4)
        let single = try Self.choose(config, ranks: 1)[0]
        var alone: [(meanLogP: Double, occupancy: ClassTable)] = []
        for start in 1...starts {
            let seed = ClassificationStarts.seed(ofStart: start, runSeed: runSeed)
            let engine = try ClassificationEngine(
                config: try Self.config(seed: seed, classes: classes, starts: 1, startCycles: startCycles, cycles: startCycles),
                particles: Self.data.particles, references: nil, focusMask: nil, communicator: SerialCommunicator())
            for _ in 0..<startCycles { try engine.runCycle() }
            alone.append((engine.history.last?.statistics.meanLogP ?? .nan, engine.occupancy))
        }
        #expect(single.0.trials.map(\.meanLogP) == alone.map(\.meanLogP))
        #expect(Set(alone.map(\.meanLogP)).count == starts, "the starts did not differ: \(alone.map(\.meanLogP))")
        let highest = alone.indices.max { alone[$0].meanLogP < alone[$1].meanLogP } ?? 0
        #expect(single.0.chosen == highest + 1)
        #expect(single.0.state.occupancy == alone[highest].occupancy)
        #expect(single.0.state.cycle == startCycles)
        let onTwo = try Self.choose(config, ranks: 2)
        for (choice, _) in onTwo {
            #expect(choice.chosen == single.0.chosen)
            #expect(choice.trials == single.0.trials)
        }
        #expect(onTwo.flatMap(\.1) == single.1)
    }

    @Test func oneStartIsThePlainRun() throws {
        let config = try Self.config(seed: 11, classes: 3, starts: 1, startCycles: 2, cycles: 2)
        let choice = try Self.choose(config, ranks: 1)[0].0
        let engine = try ClassificationEngine(config: config, particles: Self.data.particles, references: nil, focusMask: nil,
                                              communicator: SerialCommunicator())
        for _ in 0..<2 { try engine.runCycle() }
        #expect(choice.trials.count == 1 && choice.chosen == 1)
        #expect(choice.state.occupancy == engine.occupancy)
        #expect(choice.state.history.map(\.statistics) == engine.history.map(\.statistics))
    }

    /// Older stored configurations (no `starts`, `startCycles`) read as one start; the values round-trip.
    @Test func storedConfigurationsReadStartsAsOne() throws {
        let config = try Self.config(seed: 2, classes: 2, starts: 3, startCycles: 4, cycles: 9)
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(ClassificationConfig.self, from: data) == config)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["starts"] = nil
        object["startCycles"] = nil
        let old = try JSONDecoder().decode(ClassificationConfig.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.starts == 1)
        #expect(throws: ConfigurationError.self) {
            try Self.config(seed: 2, classes: 2, starts: 0, startCycles: 4, cycles: 9)
        }
        #expect(throws: ConfigurationError.self) {
            try Self.config(seed: 2, classes: 2, starts: 2, startCycles: 0, cycles: 9)
        }
        #expect(throws: ConfigurationError.self) { try config.checkContinuation(with: try Self.config(seed: 2, classes: 2, starts: 2, startCycles: 4, cycles: 9)) }
        #expect(throws: ConfigurationError.self) { try config.checkContinuation(with: try Self.config(seed: 2, classes: 2, starts: 3, startCycles: 5, cycles: 9)) }
    }
}
