import Foundation
import Testing
import FoveaClassify
import _FoveaClassifyTestSupport
import FoveaCore
import FoveaDistributed

/// How the classes start from one reference for K > 1 classes, how identical classes are found
/// and kept from "converged", and how an empty half set is handled.
@Suite struct ClassStartAndHalfSetTests {
    static let data = EngineClassificationTests.highSNR

    static func config(cycles: Int, convergence: ConvergenceCriteria? = nil, focus: FocusMode = .twoD) throws -> ClassificationConfig {
        try ClassificationConfig(classCount: 2, cycles: cycles, focus: focus, sphere: focus == .none ? nil : SyntheticDataset.focus,
                                 outerRadius: 90, classificationResolution: 10,
                                 referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200, seed: 3, threads: 2,
                                 convergence: convergence ?? ConvergenceCriteria(classAverageChange: 0, changedFraction: 0,
                                                                                 minimumCycles: cycles))
    }

    /// One `--reference` for K = 2 (RELION users' habit): the classes start from the data and
    /// separate the two states, bit-identically on 1, 2 and 3 ranks (they stayed K identical copies).
    @Test func oneReferenceForTwoClassesSeparatesTheStatesOnAnyRankCount() throws {
        let config = try Self.config(cycles: 6)
        let reference = [Self.data.maps[0]]
        let single = try ClassificationEngine(config: config, particles: Self.data.particles, references: reference,
                                              focusMask: nil, communicator: SerialCommunicator())
        _ = try single.run()
        let kappa = twoClassKappa(single.bestClasses, Self.data.truth.map { $0[0] })
        #expect(kappa > 0.9, "kappa \(kappa)")
        #expect(single.history.last?.indistinct == nil)
        #expect(ClassificationStart.singleReferenceNote(referenceCount: 1, classCount: 2) != nil)
        #expect(ClassificationStart.singleReferenceNote(referenceCount: 1, classCount: 1) == nil)
        for ranks in [2, 3] {
            let ranges = ShardingPlan.ranges(count: Self.data.particles.count, size: ranks)
            let parts = try LocalGroup(size: ranks).run { communicator -> ([Float], [Int32]) in
                let engine = try ClassificationEngine(config: config, particles: Array(Self.data.particles[ranges[communicator.rank]]),
                                                      references: reference, focusMask: nil, communicator: communicator)
                _ = try engine.run()
                return (engine.occupancy.values, engine.bestClasses)
            }
            #expect(parts.flatMap(\.1) == single.bestClasses, "\(ranks) ranks")
            #expect(parts.flatMap(\.0) == single.occupancy.values, "\(ranks) ranks")
        }
    }

    /// Two identical references: the classes are found indistinct after the cycle, and a cycle
    /// that would otherwise count as converged does not.
    @Test func identicalClassesAreFlaggedAndNeverConverged() throws {
        let lenient = ConvergenceCriteria(classAverageChange: 1000, changedFraction: 1, minimumCycles: 1)
        let config = try Self.config(cycles: 3, convergence: lenient, focus: .none)
        let engine = try ClassificationEngine(config: config, particles: Self.data.particles,
                                              references: [Self.data.maps[0], Self.data.maps[0]], focusMask: nil,
                                              communicator: SerialCommunicator())
        let first = try engine.runCycle()
        let second = try engine.runCycle()
        #expect(first.indistinct != nil)
        #expect(second.indistinct != nil)
        #expect(lenient.stopReason(after: second.statistics, cycleLimit: 3) == .converged)
        #expect(lenient.stopReason(after: second, cycleLimit: 3) == nil)
        // The flag survives the history's JSON (the checkpoint's record).
        let decoded = try JSONDecoder().decode([CycleReport].self, from: try JSONEncoder().encode(engine.history))
        #expect(decoded == engine.history)
    }

    /// The detector over a seeded sample of maps: a map and any positive affine copy of it are
    /// identical, independent maps are not, and a class no row chose is empty.
    @Test func identicalMapsAndEmptyClassesAreFound() {
        var random = SeededRandom(seed: 17)
        let n = 12, region = Array(0..<(n * n * n))
        for _ in 0..<20 {
            let a = Volume(size: n, pixelSize: 2, voxels: (0..<(n * n * n)).map { _ in Float(random.gaussian()) })
            let scale = Float(random.uniform(in: 0.1..<5)), offset = Float(random.uniform(in: -3..<3))
            let b = Volume(size: n, pixelSize: 2, voxels: a.voxels.map { $0 * scale + offset })
            let c = Volume(size: n, pixelSize: 2, voxels: (0..<(n * n * n)).map { _ in Float(random.gaussian()) })
            let found = IndistinctClasses.find(volumes: [a, c, b], hardFractions: [0.5, 0.5, 0], region: region)
            #expect(found == IndistinctClasses(identicalPairs: [[1, 3]], emptyClasses: [3]))
            #expect(IndistinctClasses.find(volumes: [a, c], hardFractions: [0.4, 0.6], region: region) == nil)
        }
        let flat = Volume(size: n, pixelSize: 2, voxels: [Float](repeating: 1, count: n * n * n))
        #expect(IndistinctClasses.correlation(flat, flat, over: region) == 1)
        #expect(IndistinctClasses.find(volumes: [flat], hardFractions: [0], region: region) == nil)
    }

    /// Every particle in one half set: new half sets, balanced over the active particles, by a
    /// seeded hash of the particle index (the same for any rank count); tables that give both
    /// halves are kept as they are.
    @Test func anEmptyHalfSetIsReassignedAndAFullOneKept() {
        var random = SeededRandom(seed: 29)
        for trial in 0..<300 {
            let count = 2 + Int(random.uniform(in: 0..<300))
            let one = trial % 2 == 0 ? 1 : 2
            let particles = (0..<count).map { index in
                (given: trial % 3 == 0 && index % 5 == 0 ? 0 : one, active: index < 2 || random.uniform() < 0.8)
            }
            let assignment = HalfSetAssignment(particles: particles, seed: 7)
            let active = particles.indices.filter { particles[$0].active }
            let first = active.filter { assignment.halfSets[$0] == .first }.count
            let fromTable = particles.indices.map { index -> HalfSet in
                particles[index].given == 1 ? .first : particles[index].given == 2 ? .second : HalfSet.alternating(particle: index)
            }
            let tableFirst = active.filter { fromTable[$0] == .first }.count
            if tableFirst > 0 && tableFirst < active.count {
                #expect(assignment.reassignment == nil && assignment.halfSets == fromTable, "trial \(trial)")
            } else {
                #expect(assignment.reassignment != nil, "trial \(trial)")
                #expect(first == (active.count + 1) / 2, "trial \(trial): \(first) of \(active.count) active in half set 1")
                #expect(assignment == HalfSetAssignment(particles: particles, seed: 7))
                #expect(assignment != HalfSetAssignment(particles: particles, seed: 8) || active.count < 20)
            }
            #expect(first > 0 && first < active.count)
        }
        let mixed = HalfSetAssignment(particles: [(1, true), (2, true), (1, true)], seed: 1)
        #expect(mixed.reassignment == nil && mixed.halfSets == [.first, .second, .first])
    }

    /// Boxes the Fourier code cannot take (odd, or under 8 px) are refused with a message, not trapped.
    @Test(arguments: [7, 9, 33, 6, 4])
    func theEngineRefusesAnOddOrTinyBox(box: Int) throws {
        var random = SeededRandom(seed: UInt64(box))
        let particles = (0..<6).map { index in
            ParticleInput(image: Image2D(size: box, pixelSize: 3, pixels: (0..<(box * box)).map { _ in Float(random.gaussian()) }),
                          angles: EulerAngles.uniformRandom(using: &random), shiftX: 0, shiftY: 0,
                          ctf: Self.data.particles[0].ctf, halfSet: index % 2 == 0 ? .first : .second, globalIndex: index)
        }
        let config = try ClassificationConfig(classCount: 2, cycles: 1, outerRadius: 6, classificationResolution: 8,
                                              referenceBand: ReferenceBand(low: 300, high: 8), molecularMass: 100)
        let error = #expect(throws: EngineInputError.self) {
            _ = try ClassificationEngine(config: config, particles: particles, references: nil, focusMask: nil,
                                         communicator: SerialCommunicator())
        }
        #expect(error?.description.contains("even box") == true)
    }

    /// The engine refuses (before any work) particles whose active ones all lie in one half set.
    @Test func theEngineRefusesAnEmptyHalfSet() throws {
        let particles = Self.data.particles.prefix(40).map { particle -> ParticleInput in
            var copy = particle
            copy.halfSet = .first
            return copy
        }
        #expect(throws: EngineInputError.self) {
            _ = try ClassificationEngine(config: try Self.config(cycles: 1), particles: Array(particles), references: nil,
                                         focusMask: nil, communicator: SerialCommunicator())
        }
    }
}
