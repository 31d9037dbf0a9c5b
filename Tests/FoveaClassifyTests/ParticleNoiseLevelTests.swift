import Foundation
import Testing
import FoveaClassify
import _FoveaTestSupport
import _FoveaClassifyTestSupport
import FoveaCore
import FoveaDistributed

/// The per-particle noise level (`--particle-noise`): over seeded populations of known relative
/// levels the shrunk σ_i² is unbiased and closer to the truth than the raw residual, populations
/// without a spread keep σ_i² = 1, the clamp holds, the levels are the same on 1, 2 and 3 ranks,
/// images with extra noise in the particle region get it back from the engine's own likelihood,
/// and engine runs are identical on any number of ranks and resident or streamed.
@Suite struct ParticleNoiseLevelTests {
    /// LogP tables made from known levels: particle i (`operators` rows, region of n_r pixels and
    /// s_r samples) has best-class residual m = μ·t_i·χ²_s/s, LogP = −½(m + ln 2π)·n (the other
    /// classes lower). Returns the table, the areas and the true relative levels t_i/mean(t).
    static func population(seed: UInt64, particles: Int, spread: Double, operators: Int = 2, classes: Int = 3)
        -> (logP: ClassTable, areas: [ParticleNoiseLevel.RowArea], truth: [Double]) {
        var random = TestRandom(seed: seed)
        let mean = random.uniform(0.2, 3)
        let levels = (0..<particles).map { _ in Foundation.exp(spread * random.gaussian()) }
        let average = levels.reduce(0, +) / Double(particles)
        var logP = ClassTable(rowCount: particles * operators, classCount: classes)
        var areas: [ParticleNoiseLevel.RowArea] = []
        for i in 0..<particles {
            // The copies read the same pixels (as the outer disc of 3d and subtract): one residual.
            let samples = Double(Int(random.uniform(40, 400)))
            var chi = 0.0
            for _ in 0..<Int(samples) { let g = random.gaussian(); chi += g * g }
            let residual = mean * levels[i] * chi / samples
            for c in 0..<operators {
                let area = random.uniform(100, 3000)
                let row = i * operators + c
                for k in 0..<classes {
                    logP[row, k] = Float(-0.5 * (residual + LogLikelihood.logTwoPi) * area - Double(k) * random.uniform(0, 5))
                }
                areas.append(.init(logPArea: area, samples: samples))
            }
        }
        return (logP, areas, levels.map { $0 / average })
    }

    static func estimate(_ p: (logP: ClassTable, areas: [ParticleNoiseLevel.RowArea], truth: [Double]),
                         operators: Int = 2) throws -> [Double] {
        try ParticleNoiseLevel.estimate(logP: p.logP, operatorCount: operators, areas: p.areas,
                                        groups: [Int](repeating: 0, count: p.truth.count), groupCount: 1,
                                        active: [Bool](repeating: true, count: p.logP.rowCount),
                                        communicator: SerialCommunicator())
    }

    /// Over seeded populations with a spread of true levels (ln SD 0.15–0.5): the mean error of
    /// σ_i² against t_i/t̄ is within 4 standard errors of 0, and its RMS error is below the raw r̂'s.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func unbiasedAndBetterThanTheRawResidual(seed: UInt64) throws {
        var random = TestRandom(seed: seed &+ 100)
        let spread = random.uniform(0.15, 0.5)
        let population = Self.population(seed: seed, particles: 600, spread: spread)
        let levels = try Self.estimate(population)
        let errors = zip(levels, population.truth).map { $0 - $1 }
        let bias = errors.reduce(0, +) / Double(errors.count)
        let rms = (errors.map { $0 * $0 }.reduce(0, +) / Double(errors.count)).squareRoot()
        #expect(abs(bias) < 4 * rms / Double(errors.count).squareRoot(), "spread \(spread): bias \(bias), rms \(rms)")
        // The raw relative residual of each particle, without shrinkage.
        let raw = (0..<population.truth.count).map { i -> Double in
            let m = ParticleNoiseLevel.measurement(bestLogP: [0, 1].map { Double(population.logP[2 * i + $0, 0]) },
                                                   areas: [population.areas[2 * i], population.areas[2 * i + 1]])
            return m.residual
        }
        let rawMean = raw.reduce(0, +) / Double(raw.count)
        let rawRMS = (zip(raw, population.truth).map { ($0 / rawMean - $1) * ($0 / rawMean - $1) }.reduce(0, +)
            / Double(raw.count)).squareRoot()
        #expect(rms < rawRMS, "spread \(spread): shrunk rms \(rms), raw rms \(rawRMS)")
        #expect(levels.allSatisfy { ParticleNoiseLevel.range.contains($0) })
    }

    /// A population whose particles differ only by sampling noise keeps σ_i² = 1 for nearly every
    /// particle (the spread's moment estimate less two standard errors is 0 in most seeds).
    @Test func noSpreadKeepsUnitLevels() throws {
        var unchanged = 0
        for seed in UInt64(1)...20 {
            let levels = try Self.estimate(Self.population(seed: seed, particles: 400, spread: 0))
            if levels.allSatisfy({ $0 == 1 }) { unchanged += 1 }
            #expect(levels.allSatisfy { abs($0 - 1) < 0.2 })
        }
        #expect(unchanged >= 15, "\(unchanged) of 20 populations without a spread kept σ² = 1")
    }

    /// The posterior lies between 1 and the estimate, an estimate without sampling noise is kept
    /// up to the clamp, and no measurement gives 1.
    @Test func shrinkageAndClamp() {
        var random = TestRandom(seed: 5)
        for _ in 0..<500 {
            let r = Foundation.exp(random.uniform(-4, 4)), w = random.uniform(0, 1), spread = random.uniform(0, 2)
            let level = ParticleNoiseLevel.level(.init(squaredScale: r, variance: w, weight: 1), spread: spread)
            #expect(ParticleNoiseLevel.range.contains(level))
            let clamped = min(ParticleNoiseLevel.range.upperBound, max(ParticleNoiseLevel.range.lowerBound, r))
            #expect(level >= min(1, clamped) - 1e-12 && level <= max(1, clamped) + 1e-12)
            #expect(abs(ParticleNoiseLevel.level(.init(squaredScale: r, variance: 0, weight: 1), spread: 0.1) - clamped) < 1e-12)
        }
        #expect(ParticleNoiseLevel.level(.init(squaredScale: 1, variance: 0, weight: 0), spread: 0) == 1)
        #expect(ParticleNoiseLevel.measurement(bestLogP: [-5], areas: [.init(logPArea: 10, samples: 0)]).samples == 0)
    }

    /// For a hard low-pass the degrees of freedom are the Fourier pixels of the whole plane it passes.
    @Test func degreesOfFreedomOfAHardDisc() {
        var random = TestRandom(seed: 9)
        for _ in 0..<20 {
            let nc = 2 * Int(random.uniform(4, 40)), w = nc / 2 + 1, radius = random.uniform(1, Double(nc / 2))
            var low = [Float](repeating: 0, count: w * nc), passed = 0
            for j in 0..<nc {
                let ky = FourierGrid.frequency(index: j, size: nc)
                for i in 0..<w where Double(i * i + ky * ky) <= radius * radius {
                    low[i + w * j] = 1
                    passed += i == 0 || i == nc / 2 ? 1 : 2
                }
            }
            #expect(abs(ParticleNoiseLevel.degreesOfFreedom(lowPass: low, croppedSize: nc) - Double(passed)) < 1e-9)
        }
    }

    /// The same levels on 1, 2 and 3 in-process ranks (exact sums over groups and the spread).
    @Test func rankIndependent() throws {
        let population = Self.population(seed: 31, particles: 301, spread: 0.3)
        let single = try Self.estimate(population)
        #expect(single.contains { $0 != 1 })
        let groups = (0..<301).map { $0 % 3 }
        let grouped = try ParticleNoiseLevel.estimate(logP: population.logP, operatorCount: 2, areas: population.areas,
                                                      groups: groups, groupCount: 3, active: [Bool](repeating: true, count: 602),
                                                      communicator: SerialCommunicator())
        for ranks in [2, 3] {
            let ranges = ShardingPlan.ranges(count: 301, size: ranks)
            let parts = try LocalGroup(size: ranks).run { communicator -> [Double] in
                let range = ranges[communicator.rank]
                let rows = (2 * range.lowerBound)..<(2 * range.upperBound)
                let logP = ClassTable(rowCount: rows.count, classCount: 3,
                                      values: Array(population.logP.values[(3 * rows.lowerBound)..<(3 * rows.upperBound)]))
                return try ParticleNoiseLevel.estimate(logP: logP, operatorCount: 2, areas: Array(population.areas[rows]),
                                                       groups: Array(groups[range]), groupCount: 3,
                                                       active: [Bool](repeating: true, count: rows.count), communicator: communicator)
            }
            #expect(parts.flatMap { $0 } == grouped)
        }
    }

    /// Images of white noise only, where every third carries extra noise of the same variance in
    /// the particle disc (so its region holds twice the noise of the others): after a run with
    /// σ = 1, the engine's own LogP gives residuals m_i twice as large for those particles (ratio of
    /// the means within 1.8 … 2.2), the other particles' m_i vary as much as the stated sampling
    /// variance 2/s_i says (the ratio of observed to stated within 0.7 … 1.4), and the shrunk levels
    /// keep the order (noisy mean above clean mean) and average 1 (within 0.02).
    @Test func recoversExtraNoiseInTheParticleRegion() throws {
        var random = TestRandom(seed: 78)
        let noise = EngineClassificationTests.highSNR.particles.map { particle in
            var copy = particle
            copy.image.pixels = copy.image.pixels.map { _ in Float(random.gaussian()) }
            return copy
        }
        let particles = Self.noisier(noise)
        let engine = try EngineClassificationTests.run(try Self.config(.off), particles)
        let areas = engine.shard.likelihoodAreas, logP = engine.logP
        let measured = particles.indices.map { i in
            ParticleNoiseLevel.measurement(bestLogP: [Double(max(logP[i, 0], logP[i, 1]))], areas: [areas[i]])
        }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        let noisy = measured.indices.filter { $0 % 3 == 0 }, clean = measured.indices.filter { $0 % 3 != 0 }
        let cleanMean = mean(clean.map { measured[$0].residual })
        let ratio = mean(noisy.map { measured[$0].residual }) / cleanMean
        #expect(ratio > 1.8 && ratio < 2.2, "noisy / clean mean residual \(ratio)")
        let observed = mean(clean.map { (measured[$0].residual / cleanMean - 1) * (measured[$0].residual / cleanMean - 1) })
        let stated = mean(clean.map { 2 / measured[$0].samples })
        #expect(observed / stated > 0.7 && observed / stated < 1.4, "observed \(observed), stated \(stated) relative variance")
        let levels = try engine.shard.particleNoiseLevels(logP: logP, communicator: SerialCommunicator())
        print("extra noise in the region: residual ratio \(ratio), observed / stated variance \(observed / stated), "
              + "mean σ² noisy \(mean(noisy.map { levels[$0] })), clean \(mean(clean.map { levels[$0] }))")
        #expect(mean(noisy.map { levels[$0] }) > mean(clean.map { levels[$0] }))
        #expect(abs(mean(levels) - 1) < 0.02, "mean σ² \(mean(levels))")
    }

    static func noisier(_ particles: [ParticleInput]) -> [ParticleInput] {
        var random = TestRandom(seed: 77)
        return particles.enumerated().map { index, particle in
            guard index % 3 == 0 else { return particle }
            var copy = particle
            let n = copy.image.size, radius = 90 / copy.image.pixelSize
            var background = 0.0, count = 0.0
            for y in 0..<n { for x in 0..<n {
                let dx = Double(x - n / 2), dy = Double(y - n / 2)
                if dx * dx + dy * dy > radius * radius { background += Double(copy.image.pixels[x + n * y] * copy.image.pixels[x + n * y]); count += 1 }
            } }
            let sd = (background / count).squareRoot()
            for y in 0..<n { for x in 0..<n {
                let dx = Double(x - n / 2), dy = Double(y - n / 2)
                if dx * dx + dy * dy <= radius * radius { copy.image.pixels[x + n * y] += Float(sd * random.gaussian()) }
            } }
            return copy
        }
    }

    static func config(_ mode: ParticleNoiseMode) throws -> ClassificationConfig {
        try ParticleSignalScaleTests.config(particleScale: .off, particleNoise: mode)
    }

    /// The engine with `weighted` on data with a spread of noise: LogP, occupancies and maps
    /// identical on 1, 2 and 3 in-process ranks and streamed in chunks of 7, and different from off
    /// (LogP) and from `likelihood` (the maps: only `weighted` changes the insertion weights).
    @Test func engineRunsAreRankAndStorageIndependent() throws {
        let particles = Self.noisier(EngineClassificationTests.highSNR.particles)
        let single = try ParticleSignalScaleTests.expectSameOnRanksAndStreamed(try Self.config(.weighted), particles) { _ in [] }
        let off = try EngineClassificationTests.run(try Self.config(.off), particles)
        #expect(off.logP != single.logP)
        let likelihood = try EngineClassificationTests.run(try Self.config(.likelihood), particles)
        #expect(likelihood.classVolumes != single.classVolumes)
    }

    /// Stored with the run's configuration; configurations written before it decode as off, and
    /// changing it on --continue is refused.
    @Test func storedAndContinued() throws {
        let on = try Self.config(.weighted)
        #expect(try JSONDecoder().decode(ClassificationConfig.self, from: JSONEncoder().encode(on)) == on)
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(on)) as? [String: Any])
        var groups = try #require(object["noiseGroups"] as? [String: Any])
        groups.removeValue(forKey: "particleNoise")
        object["noiseGroups"] = groups
        let older = try JSONDecoder().decode(ClassificationConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.noiseGroups.particleNoise == .off)
        #expect(older.differingOptions(from: on) == [.particleNoise])
        #expect(throws: ConfigurationError.self) { try older.checkContinuation(with: on) }
    }
}
