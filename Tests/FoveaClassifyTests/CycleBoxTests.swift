import Foundation
import Testing
import FoveaClassify
import _FoveaClassifyTestSupport
import FoveaCore
import FoveaDistributed
import _FoveaTestSupport

/// The cycles run on the cycle box N_r (`CycleBox`); only the maps a finished run writes are made
/// at the data's box, a group of classes at a time.
@Suite struct CycleBoxTests {
    /// Seeded boxes, pixel sizes and bands: the grid is even, within the data's box, at least the
    /// likelihood box, holds the splat of every inserted frequency, and has no prime factor above 7
    /// unless it is the data's box.
    @Test func theCycleBoxHoldsTheBandOnAnFFTFriendlyGrid() {
        var random = TestRandom(seed: 1414)
        for _ in 0..<2000 {
            let n = 2 * Int(random.uniform(4, 1024))
            let p = random.uniform(0.3, 8)
            let resolution = random.uniform(2 * p, 60)
            let nc = ParticleShard.likelihoodBox(size: n, pixelSize: p, classificationResolution: resolution)
            let radius = min(Double(n / 2), random.uniform(0.3, 0.5) * Double(nc) + 4)
            let box = CycleBox(fullSize: n, pixelSize: p, insertionRadius: radius, croppedSize: nc)
            #expect(box.size % 2 == 0 && box.size <= n && box.size >= nc)
            #expect(box.size == n || box.size / 2 >= Int(radius) + 2, "box \(n), radius \(radius): grid \(box.size)")
            var m = box.size
            for factor in [2, 3, 5, 7] { while m % factor == 0 { m /= factor } }
            #expect(box.size == n || m == 1, "grid \(box.size) for box \(n)")
            #expect(abs(box.pixelSize * Double(box.size) - p * Double(n)) < 1e-9 * p * Double(n))
        }
    }

    /// At 20 Å the engine tests' box 48 cycles on a smaller grid; the full-resolution maps are of
    /// box 48, and reconstructing them one class at a time gives the maps, half maps and FSCs of
    /// all classes at once, bit for bit.
    @Test(arguments: [FocusMode.twoD, .threeD, .subtract])
    func fullResolutionMapsDoNotDependOnHowManyClassesArePassedAtOnce(focus: FocusMode) throws {
        let config = try ParticleStorageTests.config(focus: focus, cycles: 2)
        let particles = ParticleStorageTests.data.particles
        func engine() throws -> ClassificationEngine {
            let engine = try ClassificationEngine(config: config, particles: particles, references: nil, focusMask: nil,
                                                  communicator: SerialCommunicator())
            _ = try engine.run()
            return engine
        }
        let allAtOnce = try engine(), oneByOne = try engine()
        #expect(allAtOnce.cycleBox.size < allAtOnce.boxSize)
        #expect(allAtOnce.classVolumes.allSatisfy { $0.size == allAtOnce.cycleBox.size })
        #expect(allAtOnce.fscCurves.allSatisfy { $0.count == allAtOnce.cycleBox.size / 2 + 1 })
        try allAtOnce.reconstructAtFullResolution()
        try oneByOne.reconstructAtFullResolution(accumulatorBudget: 1)
        #expect(allAtOnce.classVolumes.allSatisfy { $0.size == allAtOnce.boxSize })
        #expect(oneByOne.classVolumes == allAtOnce.classVolumes)
        #expect(oneByOne.halfMaps == allAtOnce.halfMaps)
        #expect(oneByOne.fscCurves == allAtOnce.fscCurves)
    }

    /// A run continued from a state holding the finished run's box-N maps (a `run.h5` continued
    /// with more cycles) crops them to the cycle box; a state of another grid is refused.
    @Test func aStateWithFullBoxMapsContinuesOnTheCycleBox() throws {
        let config = try ParticleStorageTests.config(focus: .twoD, cycles: 2)
        let particles = ParticleStorageTests.data.particles
        let first = try ClassificationEngine(config: config, particles: particles, references: nil, focusMask: nil,
                                             communicator: SerialCommunicator())
        _ = try first.run()
        try first.reconstructAtFullResolution()
        let snapshot = try first.snapshot(particleCount: particles.count)
        let continued = try ClassificationEngine(config: config, particles: particles, references: nil, focusMask: nil,
                                                 communicator: SerialCommunicator(), resumingFrom: snapshot)
        #expect(continued.classVolumes.allSatisfy { $0.size == continued.cycleBox.size })
        #expect(continued.classVolumes == snapshot.classVolumes.map { $0.fourierResized(to: continued.cycleBox.size) })
        try continued.runCycle()
        var odd = snapshot
        odd.classVolumes = snapshot.classVolumes.map { $0.fourierResized(to: continued.cycleBox.size - 2) }
        #expect(throws: EngineInputError.self) {
            _ = try ClassificationEngine(config: config, particles: particles, references: nil, focusMask: nil,
                                         communicator: SerialCommunicator(), resumingFrom: odd)
        }
    }

    /// The classes are finalised a share per rank and broadcast: on 2 and 3 ranks (3 classes, so
    /// every rank owns a different share) every rank holds the same maps, FSCs and full-resolution
    /// half maps bit for bit, the classes are those of one rank, and the maps agree with one rank's
    /// to rounding (the Allreduce adds the ranks' partial sums in another order).
    @Test func finalisationSharedOverRanksGivesEveryRankTheSameMaps() throws {
        let base = try ParticleStorageTests.config(focus: .twoD, cycles: 3)
        let config = try ClassificationConfig(classCount: 3, cycles: 3, focus: .twoD, sphere: base.sphere,
                                              outerRadius: base.outerRadius, classificationResolution: 20,
                                              referenceBand: base.referenceBand, molecularMass: base.molecularMass,
                                              expansionGroup: "C1", seed: 5, threads: 2, convergence: base.convergence)
        let particles = ParticleStorageTests.data.particles
        let single = try ClassificationEngine(config: config, particles: particles, references: nil, focusMask: nil,
                                              communicator: SerialCommunicator())
        _ = try single.run()
        try single.reconstructAtFullResolution()
        for ranks in [2, 3] {
            let ranges = ShardingPlan.ranges(count: particles.count, size: ranks)
            let results = try LocalGroup(size: ranks).run { communicator -> ([Int32], [Volume], [[Double]], [[Volume]], [Volume]) in
                let engine = try ClassificationEngine(config: config, particles: Array(particles[ranges[communicator.rank]]),
                                                      references: nil, focusMask: nil, communicator: communicator)
                _ = try engine.run()
                let cycleMaps = engine.classVolumes, curves = engine.fscCurves
                try engine.reconstructAtFullResolution(accumulatorBudget: 1)
                return (engine.bestClasses, cycleMaps, curves, engine.halfMaps, engine.classVolumes)
            }
            #expect(results.flatMap(\.0) == single.bestClasses)
            for result in results.dropFirst() {
                #expect(result.1 == results[0].1 && result.2 == results[0].2)
                #expect(result.3 == results[0].3 && result.4 == results[0].4)
            }
            #expect(results[0].3.count == 3 && results[0].3.allSatisfy { $0.count == 2 && $0[0].size == single.boxSize })
            for (k, volume) in results[0].4.enumerated() {
                let reference = single.classVolumes[k].voxels
                let scale = reference.map { abs($0) }.max() ?? 0
                let worst = zip(volume.voxels, reference).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-4 * scale, "\(ranks) ranks, class \(k + 1): max difference \(worst)")
            }
        }
    }
}
