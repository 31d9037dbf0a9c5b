import Foundation
import Testing
import FoveaCore
import FoveaSimulate

/// Each real-data imperfection of the simulator does what it says: the statistic measured on the
/// generated images (or their parameters) is the one requested, over seeded samples.
@Suite struct SimulationImperfectionsTests {
    static func dataset(count: Int, snr: Double, seed: UInt64, structuralFraction: Double = 0,
                        _ configure: (inout SimulationImperfections) -> Void) -> HumanoidParticleDataset {
        var settings = HumanoidParticleDataset.Settings(scenario: .armsMove, count: count, snr: snr, seed: seed)
        settings.grid = coarseGrid
        settings.structuralFraction = structuralFraction
        configure(&settings.imperfections)
        return HumanoidParticleDataset(settings: settings, maps: coarseMaps)
    }

    /// A simulator per map of scenario 1 on the coarse grid, made once.
    static let simulators: [HumanoidState: ParticleImageSimulator] = Dictionary(uniqueKeysWithValues: HumanoidScenario.armsMove.maps.map {
        ($0, ParticleImageSimulator(projector: FourierProjector(volume: coarseMaps.map(of: $0), padding: 2)))
    })

    /// The noise-free image of particle `i` (contrast 1) and the particle's noisy image, as pixels.
    static func signalAndImage(_ data: HumanoidParticleDataset, _ i: Int) -> (signal: [Float], image: [Float]) {
        let draw = data.draws[i], n = coarseGrid.size
        let simulator = simulators[draw.truth.state]!
        let spectrum = simulator.signalSpectrum(rotation: RotationMatrix(draw.angles), shiftX: draw.shiftX, shiftY: draw.shiftY, ctf: draw.ctf)
        var signal = [Float](repeating: 0, count: n * n)
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: n))
        spectrum.values.withUnsafeBufferPointer { input in signal.withUnsafeMutableBufferPointer { workspace.inverse(input, into: $0) } }
        return (signal, data.image(i).pixels)
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) } }

    static func standardDeviation(_ values: [Double]) -> Double {
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
    }

    @Test("contrast spread: each image's signal is scaled by its particle's factor; ln(scale) has the requested spread and mean −σ²/2",
          arguments: [(UInt64(1), 0.15), (UInt64(2), 0.4)])
    func contrastScale(seed: UInt64, spread: Double) {
        let data = Self.dataset(count: 160, snr: 1e4, seed: seed) { $0.contrastLogSpread = spread; $0.normalise = false }
        var logs: [Double] = []
        for i in 0..<160 {
            let (signal, image) = Self.signalAndImage(data, i)
            let measured = Self.dot(image, signal) / Self.dot(signal, signal)
            #expect(abs(measured - data.conditions(of: i).signalScale) < 0.02 * data.conditions(of: i).signalScale)
            logs.append(Double.log(measured))
        }
        #expect(abs(Self.standardDeviation(logs) / spread - 1) < 0.2)
        #expect(abs(logs.reduce(0, +) / 160 + spread * spread / 2) < 3 * spread / 160.0.squareRoot())
    }

    @Test("noise spread: each micrograph's noise standard deviation is its factor times the dataset's; ln(factor) has the requested spread",
          arguments: [(UInt64(3), 0.2), (UInt64(4), 0.5)])
    func noiseLevel(seed: UInt64, spread: Double) {
        let data = Self.dataset(count: 400, snr: 0.5, seed: seed) { $0.noiseLogSpread = spread; $0.particlesPerMicrograph = 8; $0.normalise = false }
        var factors: [Double] = []
        for m in 0..<50 {
            var variance = 0.0
            for i in (8 * m)..<(8 * m + 8) {
                let (signal, image) = Self.signalAndImage(data, i)
                variance += zip(image, signal).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(image.count)
            }
            let factor = (variance / 8).squareRoot() / data.noise.shot
            #expect(abs(factor / data.conditions(of: 8 * m).noiseFactor - 1) < 0.03)
            factors.append(Double.log(factor))
        }
        #expect(abs(Self.standardDeviation(factors) / spread - 1) < 0.3)
    }

    @Test("noise colour: the shot noise's power falls with frequency as the micrograph's filter exp(−b|k|²/2) and keeps its variance",
          arguments: [UInt64(5), UInt64(6)])
    func noiseColour(seed: UInt64) {
        let data = Self.dataset(count: 40, snr: 0.2, seed: seed) { $0.noiseColourMax = 3000; $0.particlesPerMicrograph = 20; $0.normalise = false }
        let n = coarseGrid.size, w = n / 2 + 1
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: n))
        for m in 0..<2 {
            guard let filter = data.conditions(of: 20 * m).shotNoiseFilter else { Issue.record("no filter"); continue }
            var low = 0.0, high = 0.0, lowExpected = 0.0, highExpected = 0.0, total = 0.0, lowCount = 0.0, highCount = 0.0
            for i in (20 * m)..<(20 * m + 20) {
                let (signal, image) = Self.signalAndImage(data, i)
                let residual = zip(image, signal).map { $0 - $1 }
                total += residual.reduce(0) { $0 + Double($1) * Double($1) } / Double(residual.count)
                var spectrum = HalfComplexImage(size: n)
                residual.withUnsafeBufferPointer { input in spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) } }
                for j in 0..<n {
                    let ky = FourierGrid.frequency(index: j, size: n)
                    for kx in 1..<(n / 2) {
                        let r = (Double(kx * kx + ky * ky)).squareRoot() / Double(n / 2)
                        let v = spectrum.values[kx + w * j], power = Double(v.real * v.real + v.imaginary * v.imaginary)
                        let expected = Double(filter[kx + w * j] * filter[kx + w * j])
                        if r < 0.2 {
                            low += power; lowExpected += expected; lowCount += 1
                        } else if r > 0.5 && r < 0.7 {
                            high += power; highExpected += expected; highCount += 1
                        }
                    }
                }
            }
            let measuredRatio = high / low, expectedRatio = highExpected / lowExpected
            #expect((highExpected / highCount) / (lowExpected / lowCount) < 0.8)
            #expect(abs(measuredRatio / expectedRatio - 1) < 0.1, "measured \(measuredRatio), expected \(expectedRatio)")
            #expect(abs(total / 20 / (data.noise.shot * data.noise.shot) - 1) < 0.05)
        }
    }

    @Test("B-factor spread and astigmatism: per micrograph B in [B, B + spread] with the uniform's mean; defocus U − V as asked",
          arguments: [(UInt64(7), 400.0, 0.0), (UInt64(8), 1000.0, 800.0)])
    func bFactorAndAstigmatism(seed: UInt64, spread: Double, astigmatism: Double) {
        var settings = HumanoidParticleDataset.Settings(scenario: .armsMove, count: 600, snr: 0.1, seed: seed)
        settings.grid = coarseGrid
        settings.astigmatism = astigmatism
        settings.imperfections.bFactorSpread = spread
        settings.imperfections.particlesPerMicrograph = 3
        let data = HumanoidParticleDataset(settings: settings, maps: coarseMaps)
        var increments: [Double] = []
        for (i, draw) in data.draws.enumerated() {
            #expect(abs(draw.ctf.defocusU - draw.ctf.defocusV - astigmatism) < 1e-9)
            let increment = draw.ctf.bFactor - settings.bFactor
            #expect(increment >= 0 && increment <= spread)
            #expect(draw.ctf.bFactor == data.draws[3 * (i / 3)].ctf.bFactor)
            if i % 3 == 0 { increments.append(increment) }
        }
        // 200 micrographs: the mean of a uniform on [0, spread] within 4 standard errors.
        let mean = increments.reduce(0, +) / Double(increments.count)
        #expect(abs(mean - spread / 2) < 4 * spread / (12.0 * 200).squareRoot())
    }

    @Test("junk: the requested fraction of particles carry no humanoid; the others keep their signal",
          arguments: [(UInt64(9), 0.1), (UInt64(10), 0.4)])
    func junkFraction(seed: UInt64, fraction: Double) {
        let data = Self.dataset(count: 300, snr: 1e4, seed: seed) { $0.junkFraction = fraction; $0.normalise = false }
        var junk = 0
        for i in 0..<300 {
            let (signal, image) = Self.signalAndImage(data, i)
            let scale = Self.dot(image, signal) / Self.dot(signal, signal)
            if data.conditions(of: i).isJunk { junk += 1; #expect(abs(scale) < 0.02) } else { #expect(abs(scale - 1) < 0.02) }
        }
        #expect(abs(Double(junk) / 300 - fraction) < 4 * (fraction * (1 - fraction) / 300).squareRoot())
    }

    /// Mean and standard deviation of the pixels outside the circle of radius 0.375·N.
    static func backgroundStatistics(_ pixels: [Float]) -> (mean: Double, deviation: Double) {
        let n = coarseGrid.size, radius = 0.375 * Double(n)
        var background: [Double] = []
        for j in 0..<n {
            for k in 0..<n where Double((k - n / 2) * (k - n / 2) + (j - n / 2) * (j - n / 2)) > radius * radius {
                background.append(Double(pixels[k + n * j]))
            }
        }
        let mean = background.reduce(0, +) / Double(background.count)
        return (mean, (background.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(background.count)).squareRoot())
    }

    @Test("normalisation: with any imperfection on, every image's background (outside 0.375·N) has mean 0 and standard deviation 1",
          arguments: [UInt64(11), UInt64(12)])
    func backgroundNormalisation(seed: UInt64) {
        let data = Self.dataset(count: 30, snr: 0.05, seed: seed, structuralFraction: 0.5) { $0.contrastLogSpread = 0.3; $0.noiseLogSpread = 0.3 }
        for i in 0..<30 {
            let statistics = Self.backgroundStatistics(data.image(i).pixels)
            #expect(abs(statistics.mean) < 1e-4 && abs(statistics.deviation - 1) < 1e-4)
        }
        // Off by default: the same dataset without imperfections is not normalised.
        let plain = Self.backgroundStatistics(Self.dataset(count: 2, snr: 0.05, seed: seed, structuralFraction: 0.5) { _ in }.image(0).pixels)
        #expect(!(abs(plain.mean) < 1e-3 && abs(plain.deviation - 1) < 1e-3))
    }

    @Test("the ceiling of a junk particle is chance")
    func junkCeilingIsChance() {
        let data = Self.dataset(count: 40, snr: 0.05, seed: 13) { $0.junkFraction = 0.5 }
        let mask = Volume(size: coarseGrid.size, pixelSize: coarseGrid.pixelSize,
                          voxels: [Float](repeating: 1, count: coarseGrid.size * coarseGrid.size * coarseGrid.size))
        let ceiling = IdealObserverCeiling(dataset: data, components: coarseMaps, focusMask: mask)
        for i in 0..<40 {
            if data.conditions(of: i).isJunk { #expect(ceiling.units[i][0].accuracy == 0.5) } else { #expect(ceiling.units[i][0].accuracy > 0.5) }
        }
    }
}
