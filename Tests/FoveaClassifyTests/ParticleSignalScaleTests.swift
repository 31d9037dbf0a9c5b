import Foundation
import Numerics
import Testing
import FoveaClassify
import _FoveaTestSupport
import _FoveaClassifyTestSupport
import FoveaCore
import FoveaDistributed

/// The per-particle intensity scale (`--particle-scale`): its estimate q̂ of a² is unbiased with the
/// variance it states (Monte Carlo over synthetic spectra), the shrunk a_i recovers known contrasts
/// from images better than no scale at high SNR and is no worse at low SNR, data without a contrast
/// spread keep a_i ≈ 1, and the results are identical on 1, 2 and 3 ranks and resident or streamed.
@Suite struct ParticleSignalScaleTests {
    static let size = 48, pixelSize = 5.0, radius = 18.0

    /// Spectrum-level simulation where everything is known: per pixel k of shell s a fixed signal of
    /// power q·CTF_k²·S(s) with a random phase plus complex Gaussian noise of power e(s). Over seeded
    /// q, S and e, the mean of q̂ is q (within 4 standard errors) and the mean of (q̂ − q)²/v is 1
    /// (within 0.12: v is the stated sampling variance).
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func estimateIsUnbiasedWithTheStatedVariance(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let shells = 4 + Int(random.uniform(0, 10))
        let q = random.uniform(0.2, 3)
        let noise = (0..<shells).map { _ in random.uniform(0.5, 2) }
        let structure = (0..<shells).map { s in random.uniform(0.001, 0.3) * Foundation.exp(-Double(s) / 4) }
        let pixels = (0..<shells).map { s -> (n: Double, m: Double) in let n = Double(max(1, 6 * s)); return (n, n) }
        var gaussian = SeededRandom(seed: seed)
        let trials = 1500
        var errors = 0.0, squares = 0.0, standardised = 0.0
        for _ in 0..<trials {
            var row = [Double](repeating: 0, count: 2 * shells)
            for s in 1..<shells {
                for _ in 0..<Int(pixels[s].n) {
                    let ctf = random.uniform(-1, 1)
                    let amplitude = (q * ctf * ctf * structure[s]).squareRoot(), phase = random.uniform(0, 2 * Double.pi)
                    let sd = (noise[s] / 2).squareRoot()
                    let re = amplitude * Foundation.cos(phase) + sd * gaussian.gaussian()
                    let im = amplitude * Foundation.sin(phase) + sd * gaussian.gaussian()
                    row[s] += re * re + im * im - noise[s]
                    row[shells + s] += ctf * ctf
                }
            }
            let m = ParticleSignalScale.measure(row, structure: structure, noise: noise, pixels: pixels, groupMean: q)
            errors += m.squaredScale - q
            squares += (m.squaredScale - q) * (m.squaredScale - q)
            standardised += (m.squaredScale - q) * (m.squaredScale - q) / m.variance
        }
        let bias = errors / Double(trials), rms = (squares / Double(trials)).squareRoot()
        #expect(abs(bias) < 4 * rms / Double(trials).squareRoot(), "q \(q): bias \(bias), rms \(rms)")
        #expect(abs(standardised / Double(trials) - 1) < 0.12, "q \(q): mean (q̂ − q)²/v = \(standardised / Double(trials))")
    }

    /// The shrinkage (relative to the group, whose mean is 1): no spread keeps every particle at 1,
    /// an estimate without noise is kept, the posterior lies between 1 and the estimate, and a_i
    /// stays in the range.
    @Test func shrinkageAndClamp() {
        var random = TestRandom(seed: 21)
        for _ in 0..<500 {
            let q = random.uniform(-1, 8), v = random.uniform(0, 2), spread = random.uniform(0, 2)
            let m = ParticleSignalScale.Measurement(squaredScale: q, variance: v, weight: 1)
            let a = ParticleSignalScale.scale(m, spread: spread)
            #expect(ParticleSignalScale.range.contains(a))
            #expect(ParticleSignalScale.scale(m, spread: 0) == 1)
            let raw = min(5, max(0.2, max(0, q).squareRoot()))
            let noiseless = ParticleSignalScale.Measurement(squaredScale: q, variance: 0, weight: 1)
            #expect(abs(ParticleSignalScale.scale(noiseless, spread: max(spread, 0.01)) - raw) < 1e-12)
            #expect(a >= min(1, raw) - 1e-12 && a <= max(1, raw) + 1e-12)
        }
        let unmeasured = ParticleSignalScale.Measurement(squaredScale: 4, variance: 0, weight: 0)
        #expect(ParticleSignalScale.scale(unmeasured, spread: 1) == 1)
    }

    /// The spread estimate: over seeded populations of r̂ = r + noise with known spread τ² and
    /// per-particle variances w, it is 0 when τ² = 0 (in ≥ 95 % of populations) and within 3
    /// to 5 standard errors below τ² and 3 above otherwise, never negative.
    @Test func spreadEstimateIsConservativeAndConsistent() {
        var random = TestRandom(seed: 31)
        var gaussian = SeededRandom(seed: 31)
        var zeroWhenNone = 0, none = 0
        for trial in 0..<200 {
            let count = 100 + Int(random.uniform(0, 900))
            let truth = trial % 2 == 0 ? 0 : random.uniform(0.01, 0.5)
            var sums = (deviation: 0.0, variance: 0.0, squared: 0.0)
            var meanVariance = 0.0
            for _ in 0..<count {
                let w = random.uniform(0.001, 1)
                let r = 1 + truth.squareRoot() * gaussian.gaussian() + w.squareRoot() * gaussian.gaussian()
                sums.deviation += (r - 1) * (r - 1); sums.variance += w; sums.squared += w * w
                meanVariance += w / Double(count)
            }
            let spread = ParticleSignalScale.spreadOfScales(squaredDeviations: sums.deviation, variances: sums.variance,
                                                            squaredVariances: sums.squared, count: Double(count))
            #expect(spread >= 0)
            if truth == 0 {
                none += 1
                if spread == 0 { zeroWhenNone += 1 }
            } else {
                let error = (2 * (sums.squared + 2 * truth * sums.variance + Double(count) * truth * truth)).squareRoot() / Double(count)
                // Two standard errors below the moment estimate, which is within 3 of the truth.
                #expect(spread - truth < 3 * error && truth - spread < 5 * error, "τ² \(truth), estimated \(spread), n \(count)")
            }
        }
        #expect(Double(zeroWhenNone) >= 0.95 * Double(none), "\(zeroWhenNone) of \(none) spread-free populations gave 0")
    }

    /// n and m per shell against a direct count over the full plane: m counts each stored
    /// frequency once per time its |Y|² appears among the stored ones and their conjugates.
    @Test(arguments: [8, 12, 48, 64])
    func shellPixelsCountDuplicates(size: Int) {
        let shells = size / 2 + 1
        let counts = ParticleSignalScale.shellPixels(size: size, shells: shells)
        let w = size / 2 + 1
        var n = [Double](repeating: 0, count: shells), m = n
        for j in 0..<size {
            let ky = FourierGrid.frequency(index: j, size: size)
            for i in 0..<w {
                let s = Int((Double(i * i + ky * ky)).squareRoot().rounded())
                guard s < shells else { continue }
                n[s] += 1
                m[s] += (i == 0 || i == size / 2) ? 2 : 1
            }
        }
        #expect(counts.map(\.n) == n)
        #expect(counts.map(\.m) == m)
    }

    /// View bins: at least 80 particles per bin on average; every direction lands in one bin, a
    /// direction and its opposite in the same, and the bins of the 4 × 6 layout have equal area
    /// (seeded uniform directions: each within 25 % of the mean count).
    @Test func viewBinsCoverTheHemisphereEvenly() {
        let few = ParticleSignalScale.viewBins(particleCount: 100)
        #expect(few.bands == 1 && few.sectors == 1)
        for count in [1, 79, 320, 640, 1279, 1280, 1920, 5000] {
            let bins = ParticleSignalScale.viewBins(particleCount: count)
            #expect(bins.bands * bins.sectors == 1 || count >= 80 * bins.bands * bins.sectors)
        }
        var random = SeededRandom(seed: 41)
        let bins = (bands: 4, sectors: 6)
        var counts = [Int](repeating: 0, count: 24)
        for _ in 0..<24_000 {
            let angles = EulerAngles.uniformRandom(using: &random)
            let bin = ParticleSignalScale.viewBin(of: angles, bins: bins)
            counts[bin] += 1
            let opposite = EulerAngles(phi: angles.phi + 180, theta: 180 - angles.theta, psi: angles.psi)
            #expect(ParticleSignalScale.viewBin(of: opposite, bins: bins) == bin)
        }
        #expect(counts.allSatisfy { abs(Double($0) - 1000) < 250 }, "\(counts)")
    }

    struct Dataset {
        var images: [[Float]]
        var ctfs: [CTFParameters]
        var groupOf: [Int]
        /// The true relative scale of each particle: its contrast over the root mean square
        /// contrast of its group (what a_i estimates).
        var truth: [Double]
    }

    /// One fixed object (Gaussian blobs in the particle disc) per dataset; each particle: the
    /// object CTF-modulated, times its group's amplitude and its own contrast c_i = exp(spread·z),
    /// plus white noise of its group's level and an offset.
    static func dataset(seed: UInt64, spread: Double, amplitudes: ClosedRange<Double>) -> Dataset {
        var draw = TestRandom(seed: seed)
        var random = SeededRandom(seed: seed)
        let n = size, c = Double(n / 2)
        var object = [Float](repeating: 0, count: n * n)
        for _ in 0..<6 {
            let r = 10 * draw.uniform(0, 1).squareRoot(), angle = draw.uniform(0, 2 * Double.pi)
            let (bx, by) = (c + r * Foundation.cos(angle), c + r * Foundation.sin(angle))
            for y in 0..<n { for x in 0..<n {
                let d2 = (Double(x) - bx) * (Double(x) - bx) + (Double(y) - by) * (Double(y) - by)
                object[x + n * y] += Float(Foundation.exp(-d2 / 8))
            } }
        }
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: n))
        var objectSpectrum = HalfComplexImage(size: n)
        object.withUnsafeBufferPointer { input in objectSpectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) } }
        var data = Dataset(images: [], ctfs: [], groupOf: [], truth: [])
        for g in 0..<Int(draw.uniform(2, 4)) {
            let amplitude = draw.uniform(amplitudes.lowerBound, amplitudes.upperBound), level = draw.uniform(0.5, 2)
            let defocus = draw.uniform(8_000, 30_000)
            var contrasts: [Double] = []
            for _ in 0..<Int(draw.uniform(60, 90)) {
                let contrast = Foundation.exp(spread * random.gaussian())
                let ctf = CTFParameters(defocusU: defocus + draw.uniform(-500, 500), defocusV: defocus, astigmatismAngle: 0,
                                        voltage: 300, sphericalAberration: 2.7, amplitudeContrast: 0.1)
                var spectrum = objectSpectrum
                spectrum.multiply(by: ctf.halfPlaneGrid(size: n, pixelSize: pixelSize))
                var signal = [Float](repeating: 0, count: n * n)
                spectrum.values.withUnsafeBufferPointer { input in signal.withUnsafeMutableBufferPointer { workspace.inverse(input, into: $0) } }
                data.images.append(signal.map { Float(amplitude * contrast) * $0 + Float(level * random.gaussian()) + 2 })
                data.ctfs.append(ctf)
                data.groupOf.append(g)
                contrasts.append(contrast)
            }
            let rms = (contrasts.reduce(0) { $0 + $1 * $1 } / Double(contrasts.count)).squareRoot()
            data.truth += contrasts.map { $0 / rms }
        }
        return data
    }

    static func scales(_ data: Dataset, range: Range<Int>, communicator: any Communicator) throws -> [Double] {
        let images = InMemoryParticleImages(pixels: Array(data.images[range]), boxSize: size, pixelSize: pixelSize)
        let groups = Array(data.groupOf[range])
        let whitening = try GroupWhitening.estimate(images: images, globalIndex: Array(range), groups: groups,
                                                    backgroundRadius: radius, norm: .pixel, threads: 2, chunk: 13,
                                                    communicator: communicator).whitening
        return try ParticleSignalScale.estimate(images: images, ctfs: Array(data.ctfs[range]), whitening: whitening,
                                                groups: groups, views: [Int](repeating: 0, count: groups.count), viewCount: 1,
                                                backgroundRadius: radius, norm: .pixel, bandRadius: 14,
                                                threads: 2, chunk: 13, communicator: communicator)
    }

    static func rms(_ a: [Double], _ b: [Double]) -> Double {
        (zip(a, b).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(a.count)).squareRoot()
    }

    /// From images with known contrasts (seeded datasets, spreads 0.15–0.35): at high SNR a_i
    /// removes most of the error of assuming 1 for everyone; at low SNR, where single images say
    /// little, it is no worse than 1 (the shrinkage keeps noisy particles at their group's scale).
    /// (With these broad-band blobs an image's signal power says little below amplitude ≈ 3; the test uses 10–20.)
    @Test(arguments: [UInt64(3), 8, 13, 27])
    func recoversKnownContrasts(seed: UInt64) throws {
        var draw = TestRandom(seed: seed + 100)
        let spread = draw.uniform(0.15, 0.35)
        let high = Self.dataset(seed: seed, spread: spread, amplitudes: 10...20)
        let estimated = try Self.scales(high, range: high.images.indices, communicator: SerialCommunicator())
        let ones = [Double](repeating: 1, count: high.truth.count)
        #expect(Self.rms(estimated, high.truth) < 0.5 * Self.rms(ones, high.truth),
                "high SNR, spread \(spread): rms \(Self.rms(estimated, high.truth)) against \(Self.rms(ones, high.truth)) for a = 1")
        let low = Self.dataset(seed: seed, spread: spread, amplitudes: 0.08...0.2)
        let noisy = try Self.scales(low, range: low.images.indices, communicator: SerialCommunicator())
        #expect(Self.rms(noisy, low.truth) <= 1.05 * Self.rms(ones, low.truth),
                "low SNR, spread \(spread): rms \(Self.rms(noisy, low.truth)) against \(Self.rms(ones, low.truth)) for a = 1")
    }

    /// Without a contrast spread the estimated spread is (nearly) 0 and every a_i stays near 1,
    /// at high and at low SNR: white-noise data are left as they were.
    @Test(arguments: [UInt64(4), 11, 19])
    func noSpreadKeepsUnitScales(seed: UInt64) throws {
        for amplitudes in [10.0...20, 0.08...0.2] {
            let data = Self.dataset(seed: seed, spread: 0, amplitudes: amplitudes)
            let estimated = try Self.scales(data, range: data.images.indices, communicator: SerialCommunicator())
            let ones = [Double](repeating: 1, count: estimated.count)
            #expect(Self.rms(estimated, ones) < 0.03, "amplitudes \(amplitudes): rms deviation \(Self.rms(estimated, ones))")
        }
    }

    @Test func scalesAreIdenticalOnOneTwoAndThreeRanks() throws {
        let data = Self.dataset(seed: 5, spread: 0.3, amplitudes: 10...20)
        let single = try Self.scales(data, range: data.images.indices, communicator: SerialCommunicator())
        #expect(single.contains { $0 != 1 })
        for ranks in [2, 3] {
            let ranges = ShardingPlan.ranges(count: data.images.count, size: ranks)
            let parts = try LocalGroup(size: ranks).run { communicator in
                try Self.scales(data, range: ranges[communicator.rank], communicator: communicator)
            }
            #expect(parts.flatMap { $0 } == single)
        }
    }

    static func config(particleScale: ParticleScaleMode, particleNoise: ParticleNoiseMode = .off,
                       cycles: Int = 3) throws -> ClassificationConfig {
        try ClassificationConfig(classCount: 2, cycles: cycles, focus: .twoD, sphere: SyntheticDataset.focus,
                                 outerRadius: 90, classificationResolution: 20,
                                 referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200,
                                 expansionGroup: "C1", seed: 3, threads: 2,
                                 convergence: ConvergenceCriteria(classAverageChange: 0, changedFraction: 0, minimumCycles: cycles),
                                 noiseGroups: NoiseGroupSettings(mode: .none, whitening: .pixel, particleScale: particleScale,
                                                                 particleNoise: particleNoise))
    }

    /// The engine with the scale on: LogP, occupancies and maps identical on 1, 2 and 3 in-process
    /// ranks and streamed in chunks of 7, and different from the run with the scale off.
    @Test func engineRunsAreRankAndStorageIndependent() throws {
        let particles = EngineClassificationTests.highSNR.particles
        let config = try Self.config(particleScale: .on)
        let single = try Self.expectSameOnRanksAndStreamed(config, particles) { $0.shard.whitening.particleScales ?? [] }
        let scales = try #require(single.shard.whitening.particleScales)
        #expect(scales.contains { $0 != 1 })
        let off = try EngineClassificationTests.run(try Self.config(particleScale: .off), particles)
        #expect(off.logP != single.logP)
    }

    /// Runs `config` on `particles` on one rank, then on 2 and 3 in-process ranks and streamed in
    /// chunks of 7, and expects LogP, occupancies, `perParticle` (gathered over the ranks) and the
    /// class maps identical to the one-rank run, which it returns.
    static func expectSameOnRanksAndStreamed(_ config: ClassificationConfig, _ particles: [ParticleInput],
                                             perParticle: @escaping @Sendable (ClassificationEngine) -> [Float]) throws
        -> ClassificationEngine {
        let single = try EngineClassificationTests.run(config, particles)
        for ranks in [2, 3] {
            let ranges = ShardingPlan.ranges(count: particles.count, size: ranks)
            let results = try LocalGroup(size: ranks).run { communicator -> ([Float], [Float], [Float], [Volume]) in
                let engine = try ClassificationEngine(config: config, particles: Array(particles[ranges[communicator.rank]]),
                                                      references: nil, focusMask: nil, communicator: communicator)
                _ = try engine.run()
                return (engine.logP.values, engine.state.occupancy.values, perParticle(engine), engine.classVolumes)
            }
            #expect(results.flatMap(\.0) == single.logP.values)
            #expect(results.flatMap(\.1) == single.state.occupancy.values)
            #expect(results.flatMap(\.2) == perParticle(single))
            #expect(results.allSatisfy { $0.3 == single.classVolumes })
        }
        let streamed = try ClassificationEngine(config: config, alignments: particles.map(\.alignment),
                                                images: ParticleStorageTests.images(particles), references: nil, focusMask: nil,
                                                communicator: SerialCommunicator(), storage: .streaming(chunk: 7))
        _ = try streamed.run()
        #expect(streamed.logP == single.logP)
        #expect(streamed.classVolumes == single.classVolumes)
        return single
    }

    /// Stored with the run's configuration; configurations written before it decode as off, and
    /// changing it on --continue is refused.
    @Test func storedAndContinued() throws {
        let on = try Self.config(particleScale: .on)
        #expect(try JSONDecoder().decode(ClassificationConfig.self, from: JSONEncoder().encode(on)) == on)
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(on)) as? [String: Any])
        var groups = try #require(object["noiseGroups"] as? [String: Any])
        groups.removeValue(forKey: "particleScale")
        object["noiseGroups"] = groups
        let older = try JSONDecoder().decode(ClassificationConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.noiseGroups.particleScale == .off)
        #expect(older.differingOptions(from: on) == [.particleScale])
        #expect(throws: ConfigurationError.self) { try older.checkContinuation(with: on) }
    }
}

