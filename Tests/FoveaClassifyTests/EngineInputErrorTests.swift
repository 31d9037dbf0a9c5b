import Testing
import FoveaClassify
import _FoveaClassifyTestSupport
import FoveaCore
import FoveaDistributed

/// Every bad input is refused before any work, with a message naming what is wrong.
@Suite struct EngineInputErrorTests {
    static let data = SyntheticDataset.make(count: 12, snr: 1, seed: 2)

    func engine(_ config: ClassificationConfig, particles: [ParticleInput] = data.particles,
                references: [Volume]? = nil, mask: Volume? = nil) throws -> ClassificationEngine {
        try ClassificationEngine(config: config, particles: particles, references: references, focusMask: mask,
                                 communicator: SerialCommunicator())
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    @Test func fewerParticlesThanClasses() throws {
        let config = try EngineClassificationTests.config(focus: .none, classes: 13)
        #expect(message { _ = try engine(config) }.contains("13 classes but only 12 particles"))
    }

    @Test func noClassesIsAConfigurationError() {
        #expect(throws: ConfigurationError.self) { _ = try EngineClassificationTests.config(focus: .none, classes: 0) }
    }

    @Test func nanPixelNamesTheParticle() throws {
        var particles = Self.data.particles
        particles[4].image.pixels[17] = .nan
        let config = try EngineClassificationTests.config(focus: .none)
        #expect(message { _ = try engine(config, particles: particles) }.contains("particle 5 has a NaN"))
    }

    @Test func mixedBoxesAndPixelSizes() throws {
        var particles = Self.data.particles
        particles[3].image = Image2D(size: 32, pixelSize: 4)
        let config = try EngineClassificationTests.config(focus: .none)
        #expect(message { _ = try engine(config, particles: particles) }.contains("particle 4 is 32 px"))
        particles = Self.data.particles
        particles[2].image.pixelSize = 4.5
        #expect(message { _ = try engine(config, particles: particles) }.contains("particle 3 is 48 px at 4.5"))
    }

    @Test func referenceOfTheWrongBoxOrCount() throws {
        let config = try EngineClassificationTests.config(focus: .none)
        #expect(message { _ = try engine(config, references: [Volume(size: 32, pixelSize: 4)]) }.contains("reference 1 is 32 px"))
        let good = Self.data.maps[0]
        #expect(message { _ = try engine(config, references: [good, good, good]) }.contains("give 1 or 2 references"))
        var wrongPixel = good
        wrongPixel.pixelSize = 5
        #expect(message { _ = try engine(config, references: [wrongPixel]) }.contains("at 5.0 Å/px"))
    }

    @Test func emptyOrMisSizedMask() throws {
        let config = try ClassificationConfig(classCount: 2, cycles: 1, focus: .threeD, maskPath: "mask.mrc",
                                              outerRadius: 90, classificationResolution: 10,
                                              referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200)
        #expect(message { _ = try engine(config, mask: Volume(size: 48, pixelSize: 4)) }.contains("the focus mask is empty"))
        #expect(message { _ = try engine(config, mask: Volume(size: 40, pixelSize: 4)) }.contains("the focus mask is 40 px"))
    }

    @Test func sphereOutsideTheBox() throws {
        let config = try ClassificationConfig(classCount: 2, cycles: 1, focus: .twoD,
                                              sphere: FocusSphere(x: 90, y: 0, z: 0, radius: 20, origin: .centre),
                                              outerRadius: 90, classificationResolution: 10,
                                              referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200)
        let text = message { _ = try engine(config) }
        #expect(text.contains("sphere"), "\(text)")
    }
}

/// Which ranks report an engine error is a typed property, never read from the message text: a
/// problem in one rank's particles comes as `RankFailure.here` on that rank and `.elsewhere` on the
/// others; a problem every rank sees is a plain `EngineInputError` on every rank.
@Suite struct EngineInputErrorScopeTests {
    enum Seen: Equatable { case here(everyRank: Bool), elsewhere, everyRank, none }

    static func seen(_ particles: [ParticleInput], _ config: ClassificationConfig, ranks: Int) throws -> [Seen] {
        try LocalGroup(size: ranks).run { communicator -> Seen in
            let mine = Array(particles[ShardingPlan.range(count: particles.count, rank: communicator.rank, size: ranks)])
            do {
                _ = try ClassificationEngine(config: config, particles: mine, references: nil, focusMask: nil,
                                             communicator: communicator)
                return .none
            } catch RankFailure.here(_, let everyRank) { return .here(everyRank: everyRank) }
            catch RankFailure.elsewhere { return .elsewhere }
            catch is EngineInputError { return .everyRank }
        }
    }

    @Test func localProblemsAreThisRanksSharedOnesEveryRanks() throws {
        let config = try EngineClassificationTests.config(focus: .none)
        // Particle 5 (rank 0 of 2, rank 1 of 3) has a NaN; particle 10 (rank 1 of 2, rank 2 of 3) another box.
        var nan = EngineInputErrorTests.data.particles
        nan[4].image.pixels[17] = .nan
        #expect(try Self.seen(nan, config, ranks: 2) == [.here(everyRank: false), .elsewhere])
        #expect(try Self.seen(nan, config, ranks: 3) == [.elsewhere, .here(everyRank: false), .elsewhere])
        #expect(try Self.seen(nan, config, ranks: 1) == [.here(everyRank: true)])
        var mixed = EngineInputErrorTests.data.particles
        mixed[9].image = Image2D(size: 32, pixelSize: 4)
        #expect(try Self.seen(mixed, config, ranks: 2) == [.elsewhere, .here(everyRank: false)])
        #expect(try Self.seen(mixed, config, ranks: 3) == [.elsewhere, .elsewhere, .here(everyRank: false)])
        let tooMany = try EngineClassificationTests.config(focus: .none, classes: 13)
        #expect(try Self.seen(EngineInputErrorTests.data.particles, tooMany, ranks: 2) == [.everyRank, .everyRank])
    }
}
