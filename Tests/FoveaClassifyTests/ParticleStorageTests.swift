import Foundation
import Testing
import FoveaClassify
import _FoveaClassifyTestSupport
import FoveaCore
import FoveaDistributed

/// Prepared particles kept in memory (the cycles' frequency disc) or streamed from their image
/// source every cycle give the same run, bit for bit; read errors stop every rank.
@Suite struct ParticleStorageTests {
    static let data = EngineClassificationTests.highSNR

    /// The engine tests' settings at a classification resolution of 20 Å: at box 48 and 4 Å/px
    /// the cycles then read a disc of radius < N/2 − 1 (at 10 Å they read the whole box).
    static func config(focus: FocusMode, cycles: Int) throws -> ClassificationConfig {
        try ClassificationConfig(classCount: 2, cycles: cycles, focus: focus, sphere: SyntheticDataset.focus,
                                 outerRadius: 90, classificationResolution: 20,
                                 referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200,
                                 expansionGroup: "C1", seed: 3, threads: 2,
                                 convergence: ConvergenceCriteria(classAverageChange: 0, changedFraction: 0,
                                                                  minimumCycles: cycles))
    }

    static func images(_ particles: [ParticleInput]) -> InMemoryParticleImages {
        InMemoryParticleImages(pixels: particles.map(\.image.pixels), boxSize: particles[0].image.size,
                               pixelSize: particles[0].image.pixelSize)
    }

    @Test(arguments: [FocusMode.twoD, .threeD])
    func streamingInChunksGivesTheRunThatKeepsParticlesInMemory(focus: FocusMode) throws {
        let config = try Self.config(focus: focus, cycles: 3)
        let particles = Self.data.particles
        let resident = try ClassificationEngine(config: config, particles: particles, references: nil, focusMask: nil,
                                                communicator: SerialCommunicator())
        // Chunks of 7 particles: the chunk borders fall inside the rows of no particle but split
        // the threads' row ranges differently from the resident run.
        let streamed = try ClassificationEngine(config: config, alignments: particles.map(\.alignment),
                                                images: Self.images(particles), references: nil, focusMask: nil,
                                                communicator: SerialCommunicator(), storage: .streaming(chunk: 7))
        #expect(streamed.storage == .streaming(chunk: 7))
        _ = try resident.run()
        _ = try streamed.run()
        #expect(resident.cycleInsertionRadius < Double(resident.boxSize / 2 - 1))
        #expect(streamed.logP == resident.logP)
        #expect(streamed.occupancy == resident.occupancy)
        #expect(streamed.classVolumes == resident.classVolumes)

        // The full-resolution maps (particles prepared again in full, in chunks) agree too, and
        // differ from the band-limited cycle maps beyond the band.
        let bandLimited = resident.classVolumes
        try resident.reconstructAtFullResolution(releasingParticles: true)
        try streamed.reconstructAtFullResolution()
        #expect(streamed.classVolumes == resident.classVolumes)
        #expect(streamed.halfMaps == resident.halfMaps)
        let changed = resident.classVolumes != bandLimited
        #expect(changed, "the full-resolution maps equal the band-limited ones")

        // With its particles released, a further cycle prepares them again and matches.
        try resident.runCycle()
        try streamed.runCycle()
        #expect(streamed.occupancy == resident.occupancy)
        #expect(streamed.classVolumes == resident.classVolumes)
    }

    /// Cycles keep each particle within a disc smaller than its box: less than the raw image.
    @Test func residentParticlesTakeLessThanTheirImages() throws {
        let config = try Self.config(focus: .twoD, cycles: 1)
        let n = Self.data.particles[0].image.size, p = Self.data.particles[0].image.pixelSize
        let bytes = ParticleShard.preparedBytesPerParticle(size: n, pixelSize: p, config: config)
        #expect(bytes > 0 && bytes < n * n * 4, "\(bytes) bytes per particle at box \(n)")
    }

    struct FailingSource: ParticleImageSource {
        let inner: InMemoryParticleImages
        let failFrom: Int
        var count: Int { inner.count }
        var boxSize: Int { inner.boxSize }
        var pixelSize: Double { inner.pixelSize }
        struct ReadError: Error, CustomStringConvertible { var description: String }
        func images(_ range: Range<Int>) throws -> [[Float]] {
            if range.upperBound > failFrom { throw ReadError(description: "stack.mrcs: cannot read image \(failFrom + 1)") }
            return try inner.images(range)
        }
    }

    @Test func aReadErrorOnOneRankStopsEveryRank() throws {
        let particles = Array(Self.data.particles.prefix(40))
        let config = try Self.config(focus: .twoD, cycles: 1)
        let halves = [Array(particles[0..<20]), Array(particles[20..<40])]
        let outcomes = try LocalGroup(size: 2).run { communicator -> String in
            let mine = halves[communicator.rank]
            let source = FailingSource(inner: Self.images(mine), failFrom: communicator.rank == 1 ? 12 : 1000)
            do {
                _ = try ClassificationEngine(config: config, alignments: mine.map(\.alignment), images: source,
                                             references: nil, focusMask: nil, communicator: communicator,
                                             storage: .streaming(chunk: 5))
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(outcomes[1] == "stack.mrcs: cannot read image 13")
        #expect(outcomes[0].contains("another rank"), "\(outcomes[0])")
    }

    @Test func chunksCoverEveryParticleOnce() {
        for (count, size) in [(0, 5), (1, 5), (10, 5), (11, 5), (7, 100), (9, 0)] {
            let chunks = ParticleShard.chunkRanges(count: count, size: size)
            #expect(chunks.flatMap { Array($0) } == Array(0..<count))
            #expect(chunks.allSatisfy { !$0.isEmpty && $0.count <= max(1, size) })
        }
    }
}
