import Dispatch
import Foundation
import FoveaCore
import FoveaIO

/// Particle images of the humanoid (preprint Methods, "Generation of synthetic humanoid datasets"):
/// each particle is one state of a scenario (drawn uniformly from the scenario's maps), seen from a
/// uniformly random orientation, shifted by up to ±`shiftRange` Å in x and y, at a random defocus,
/// with the noise model of `ParticleImageSimulator` (structural noise, CTF with a B-factor
/// envelope, shot noise) at the requested SNR.
///
/// SNR: var(noise-free CTF-modulated image over the whole box) / var(total noise), with the signal
/// variance taken as the mean over the dataset's own noise-free images (so individual particles
/// vary around it, as views do). Particle i's orientation, shift, defocus and noise come from
/// `SeededRandom(seed:stream: i)`, so the dataset does not depend on the number of threads.
public struct HumanoidParticleDataset: Sendable {
    public struct Settings: Sendable {
        public var scenario: HumanoidScenario
        public var count: Int
        public var snr: Double
        public var seed: UInt64
        public var grid = HumanoidGrid()
        /// Largest shift in x and y, Å.
        public var shiftRange = 1.5 * 5.24
        /// Defocus range (Å, underfocus positive) and astigmatism (Å, U − V).
        public var defocusRange: ClosedRange<Double> = 8_000...25_000
        public var astigmatism = 300.0
        /// Envelope B-factor, Å² (CTF × exp(−B|k|²/4)).
        public var bFactor = 50.0
        /// Fraction of the noise variance that is structural (added before the CTF).
        public var structuralFraction = 0.5
        public var voltage = 300.0
        public var sphericalAberration = 2.7
        public var amplitudeContrast = 0.07
        public var threads = 1
        /// Real-data imperfections (all off by default).
        public var imperfections = SimulationImperfections()
        /// Bytes of the states' projectors kept between uses (`StateSimulators`); a projector not
        /// kept is prepared again when next needed. The images do not depend on it.
        public var projectorMemoryBytes = Settings.defaultProjectorMemoryBytes
        /// 2 GiB: every projector of a scenario at the small boxes of the tests and benchmarks.
        public static let defaultProjectorMemoryBytes = 2.0 * 1_073_741_824

        public init(scenario: HumanoidScenario, count: Int, snr: Double, seed: UInt64) {
            self.scenario = scenario; self.count = count; self.snr = snr; self.seed = seed
        }
    }

    /// One particle's parameters (before noise).
    public struct Draw: Sendable {
        public var truth: HumanoidParticleTruth
        public var angles: EulerAngles
        public var shiftX: Double
        public var shiftY: Double
        public var ctf: CTFParameters
    }

    public let settings: Settings
    public let draws: [Draw]
    /// σ of the structural and of the shot noise (projection units).
    public let noise: (structural: Double, shot: Double)
    /// Mean variance of the noise-free CTF-modulated images.
    public let signalVariance: Double
    /// The states' simulators, made when first needed (`StateSimulators`).
    private let simulators: StateSimulators

    public init(settings: Settings, maps: HumanoidComponentMaps? = nil) {
        self.settings = settings
        let truths = HumanoidStateSampler.sample(settings.scenario, count: settings.count, seed: settings.seed)
        let draws: [Draw] = truths.indices.map { i in
            var random = SeededRandom(seed: settings.seed, stream: UInt64(i) &+ 1)
            let angles = EulerAngles.uniformRandom(using: &random)
            let shiftX = random.uniform(in: -settings.shiftRange..<settings.shiftRange)
            let shiftY = random.uniform(in: -settings.shiftRange..<settings.shiftRange)
            let defocus = random.uniform(in: settings.defocusRange.lowerBound..<settings.defocusRange.upperBound)
            let angle = random.uniform(in: 0..<180)
            var bFactor = settings.bFactor
            if settings.imperfections.bFactorSpread > 0 {
                bFactor += settings.imperfections.micrograph(settings.imperfections.micrograph(of: i), seed: settings.seed).bFactorIncrement
            }
            let ctf = CTFParameters(defocusU: defocus + settings.astigmatism / 2, defocusV: defocus - settings.astigmatism / 2,
                                    astigmatismAngle: angle, voltage: settings.voltage,
                                    sphericalAberration: settings.sphericalAberration,
                                    amplitudeContrast: settings.amplitudeContrast, bFactor: bFactor)
            return Draw(truth: truths[i], angles: angles, shiftX: shiftX, shiftY: shiftY, ctf: ctf)
        }
        self.draws = draws
        let simulators = StateSimulators(components: maps ?? HumanoidComponentMaps(grid: settings.grid),
                                         budgetBytes: settings.projectorMemoryBytes)
        self.simulators = simulators
        // The dataset's mean signal variance and ⟨CTF²⟩ (over up to 500 evenly spread particles),
        // each sampled particle's variance made state by state, summed in the sample's order.
        let stride = max(1, draws.count / 500)
        let sample = Array(Swift.stride(from: 0, to: draws.count, by: stride))
        let variances = UnsafeMutableBufferPointer<Double>.allocate(capacity: draws.count)
        variances.initialize(repeating: 0)
        defer { variances.deallocate() }
        nonisolated(unsafe) let perParticle = variances
        simulators.forEachState(of: sample, draws: draws, threads: settings.threads, order: .firstFirst) { simulator, indices in
            for index in indices {
                let draw = draws[index]
                perParticle[index] = ParticleImageSimulator.variance(of: simulator.signalSpectrum(
                    rotation: RotationMatrix(draw.angles), shiftX: draw.shiftX, shiftY: draw.shiftY, ctf: draw.ctf))
            }
        }
        var variance = 0.0, ctf2 = 0.0
        for index in sample {
            variance += variances[index]
            ctf2 += ParticleImageSimulator.meanCTFSquared(draws[index].ctf, size: settings.grid.size, pixelSize: settings.grid.pixelSize)
        }
        signalVariance = variance / Double(max(sample.count, 1))
        noise = ParticleImageSimulator.noiseLevels(snr: settings.snr, signalVariance: signalVariance,
                                                   structuralFraction: settings.structuralFraction,
                                                   meanCTFSquared: ctf2 / Double(max(sample.count, 1)))
    }

    /// Image of particle `index` in Fovea's convention (black protein, CTF = −sin χ), with the
    /// settings' imperfections and, when they normalise, normalised on its background.
    public func image(_ index: Int) -> Image2D {
        let draw = draws[index]
        return image(index, simulator: simulators.simulator(number: draw.truth.catalogNumber, state: draw.truth.state))
    }

    /// Image of particle `index` made with `simulator`, its state's.
    private func image(_ index: Int, simulator: ParticleImageSimulator) -> Image2D {
        let draw = draws[index]
        var random = SeededRandom(seed: settings.seed, stream: UInt64(index) &+ 1 &+ (1 << 40))
        let imperfections = settings.imperfections
        var image: Image2D
        if imperfections.isActive {
            let conditions = self.conditions(of: index)
            image = simulator.image(rotation: RotationMatrix(draw.angles), shiftX: draw.shiftX, shiftY: draw.shiftY, ctf: draw.ctf,
                                    structuralNoise: noise.structural * conditions.noiseFactor,
                                    shotNoise: noise.shot * conditions.noiseFactor, signalScale: conditions.signalScale,
                                    shotNoiseFilter: conditions.shotNoiseFilter, random: &random)
        } else {
            image = simulator.image(rotation: RotationMatrix(draw.angles), shiftX: draw.shiftX, shiftY: draw.shiftY, ctf: draw.ctf,
                                    structuralNoise: noise.structural, shotNoise: noise.shot, random: &random)
        }
        if imperfections.normalises { SimulationImperfections.normaliseOnBackground(&image) }
        return image
    }

    /// Whether particle `index` is a junk image (noise only; `SimulationImperfections.junkFraction`).
    public func isJunk(_ index: Int) -> Bool {
        settings.imperfections.isActive && settings.imperfections.particle(index, seed: settings.seed).isJunk
    }

    /// Drops the states' projectors kept between passes (`Settings.projectorMemoryBytes`), e.g.
    /// once the images are written; an image asked for later prepares its state's projector again.
    public func releaseProjectors() { simulators.releaseKept() }

    /// What the imperfections make of particle `index`: the factor on its signal (0 for junk), on
    /// its noise standard deviations, and its shot-noise colour filter (nil = white).
    public func conditions(of index: Int) -> (signalScale: Double, noiseFactor: Double, shotNoiseFilter: [Float]?, isJunk: Bool) {
        let imperfections = settings.imperfections
        guard imperfections.isActive else { return (1, 1, nil, false) }
        let micrograph = imperfections.micrograph(imperfections.micrograph(of: index), seed: settings.seed)
        let particle = imperfections.particle(index, seed: settings.seed)
        return (particle.isJunk ? 0 : particle.contrastScale, micrograph.noiseFactor,
                SimulationImperfections.colourFilter(b: micrograph.noiseColourB, size: settings.grid.size,
                                                     pixelSize: settings.grid.pixelSize),
                particle.isJunk)
    }

    /// Images `range` (each image depends only on its index).
    public func images(_ range: Range<Int>) -> [Image2D] {
        let slots = UnsafeMutableBufferPointer<Image2D?>.allocate(capacity: range.count)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        nonisolated(unsafe) let output = slots
        produceImages(Array(range)) { index, image in output[index - range.lowerBound] = image }
        return slots.map { $0! }
    }

    /// Makes the images of `indices` state by state on `settings.threads` threads (a state's
    /// projector is prepared once for all its particles) and hands each to `deliver`, which is
    /// called concurrently, once per index, and then `progress` with the number delivered so far.
    func produceImages(_ indices: [Int], progress: @escaping (Int) -> Void = { _ in },
                       deliver: @Sendable (Int, Image2D) -> Void) {
        let done = LockedCounter()
        nonisolated(unsafe) let report = progress
        simulators.forEachState(of: indices, draws: draws, threads: settings.threads, order: .lastFirst) { simulator, group in
            for index in group { deliver(index, image(index, simulator: simulator)) }
            done.add(group.count) { report($0) }
        }
    }
}
