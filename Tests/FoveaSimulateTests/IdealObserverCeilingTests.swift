import Foundation
import Testing
import FoveaCore
import FoveaSimulate

/// The ideal-observer ceiling against brute force: simulated noisy images of each unit classified
/// by the likelihood of every hypothesis, counted, and compared with the ceiling's prediction.
@Suite struct IdealObserverCeilingTests {
    /// A dataset on the coarse grid at `snr`.
    static func dataset(_ scenario: HumanoidScenario, count: Int, snr: Double, seed: UInt64) -> HumanoidParticleDataset {
        var settings = HumanoidParticleDataset.Settings(scenario: scenario, count: count, snr: snr, seed: seed)
        settings.grid = coarseGrid
        return HumanoidParticleDataset(settings: settings, maps: coarseMaps)
    }

    static let wholeBox = Volume(size: coarseGrid.size, pixelSize: coarseGrid.pixelSize,
                                 voxels: [Float](repeating: 1, count: coarseGrid.size * coarseGrid.size * coarseGrid.size))

    /// Fraction of `draws` noisy images per particle (side A) that the likelihood-ratio rule assigns to
    /// the true side-A label, each image made by the simulator itself (structural noise, CTF, shot
    /// noise, shift) and classified among the maps that differ from the truth in side A only.
    static func bruteForceAccuracy(_ data: HumanoidParticleDataset, draws: Int) -> Double {
        let n = coarseGrid.size, w = n / 2 + 1
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: n))
        let scenario = data.settings.scenario
        var correct = 0, total = 0
        for (index, draw) in data.draws.enumerated() {
            let truth = draw.truth.state
            let candidates = scenario.maps.filter { $0.sideB == truth.sideB }
            let simulators = candidates.map { ParticleImageSimulator(projector: FourierProjector(volume: coarseMaps.map(of: $0), padding: 2)) }
            let rotation = RotationMatrix(draw.angles)
            let means = simulators.map { $0.signalSpectrum(rotation: rotation, shiftX: draw.shiftX, shiftY: draw.shiftY, ctf: draw.ctf) }
            let ctf = draw.ctf.halfPlaneGrid(size: n, pixelSize: coarseGrid.pixelSize)
            let variance = ctf.map { Double($0 * $0) * data.noise.structural * data.noise.structural + data.noise.shot * data.noise.shot }
            let truthIndex = candidates.firstIndex(of: truth)!
            var random = SeededRandom(seed: 77, stream: UInt64(index))
            for _ in 0..<draws {
                let image = simulators[truthIndex].image(rotation: rotation, shiftX: draw.shiftX, shiftY: draw.shiftY, ctf: draw.ctf,
                                                         structuralNoise: data.noise.structural, shotNoise: data.noise.shot,
                                                         random: &random)
                var transform = HalfComplexImage(size: n)
                image.pixels.withUnsafeBufferPointer { input in
                    transform.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) }
                }
                let spectrum = transform.values
                let distances = means.map { mean -> Double in
                    var sum = 0.0
                    for j in 0..<n {
                        for i in 0..<w where variance[i + w * j] > 0 {
                            let d = spectrum[i + w * j] - mean.values[i + w * j]
                            let power = Double(d.real * d.real + d.imaginary * d.imaginary)
                            sum += ((i == 0 || i == n / 2) ? power : 2 * power) / variance[i + w * j]
                        }
                    }
                    return sum
                }
                if distances.indices.min(by: { distances[$0] < distances[$1] }) == truthIndex { correct += 1 }
                total += 1
            }
        }
        return Double(correct) / Double(total)
    }

    /// The SNR at which the dataset's median separation is `target` (d² is proportional to the SNR).
    static func snr(giving target: Double, scenario: HumanoidScenario, count: Int, seed: UInt64) -> Double {
        let probe = dataset(scenario, count: count, snr: 1, seed: seed)
        let ceiling = IdealObserverCeiling(dataset: probe, components: coarseMaps, focusMask: wholeBox)
        let separations = ceiling.units.map { $0[0].separation }.sorted()
        return (target / separations[separations.count / 2]) * (target / separations[separations.count / 2])
    }

    @Test("two labels: the ceiling's Φ(d/2) is the brute-force accuracy of the likelihood rule on simulated images",
          arguments: [(UInt64(3), 1.4), (UInt64(11), 2.2), (UInt64(23), 3.0)])
    func twoLabelsMatchBruteForce(seed: UInt64, separation: Double) {
        let snr = Self.snr(giving: separation, scenario: .armsMove, count: 8, seed: seed)
        let data = Self.dataset(.armsMove, count: 8, snr: snr, seed: seed)
        let ceiling = IdealObserverCeiling(dataset: data, components: coarseMaps, focusMask: Self.wholeBox)
        let predicted = ceiling.accuracy(of: (0..<8).map { ($0, HumanoidSide.a) })
        for unit in ceiling.units {
            #expect(abs(unit[0].accuracy - IdealObserverCeiling.normalCDF(unit[0].separation / 2)) < 1e-12)
        }
        let measured = Self.bruteForceAccuracy(data, draws: 250)
        // 2,000 trials: binomial σ ≤ 0.011; a noise variance off by 2× moves the prediction by > 0.05.
        #expect(abs(measured - predicted) < 0.04, "measured \(measured), ceiling \(predicted) at SNR \(snr)")
        #expect(predicted > 0.6 && predicted < 0.98)
    }

    @Test("four labels: the Monte Carlo ceiling is the brute-force accuracy on simulated images",
          arguments: [(UInt64(5), 1.5), (UInt64(17), 2.5)])
    func fourLabelsMatchBruteForce(seed: UInt64, separation: Double) {
        let snr = Self.snr(giving: separation, scenario: .handsWithFeet, count: 6, seed: seed)
        let data = Self.dataset(.handsWithFeet, count: 6, snr: snr, seed: seed)
        let ceiling = IdealObserverCeiling(dataset: data, components: coarseMaps, focusMask: Self.wholeBox, samples: 4000)
        #expect(ceiling.labelCount == 4)
        let predicted = ceiling.accuracy(of: (0..<6).map { ($0, HumanoidSide.a) })
        let measured = Self.bruteForceAccuracy(data, draws: 300)
        #expect(abs(measured - predicted) < 0.045, "measured \(measured), ceiling \(predicted) at SNR \(snr)")
    }

    @Test("the focus region restricts the ceiling: a mask on the foot gives chance; the arm focus mask keeps all of scenario 1's difference but not scenario 3's foot")
    func focusRegionRestricts() {
        let geometry = HumanoidGeometry()
        let focusMask = geometry.softMask(.armHandFocus, on: coarseGrid)
        let arms = Self.dataset(.armsMove, count: 10, snr: 0.02, seed: 4)
        let whole = IdealObserverCeiling(dataset: arms, components: coarseMaps, focusMask: Self.wholeBox)
        let focus = IdealObserverCeiling(dataset: arms, components: coarseMaps, focusMask: focusMask)
        let foot = IdealObserverCeiling(dataset: arms, components: coarseMaps, focusMask: geometry.binaryMask(.nearFoot, on: coarseGrid))
        for i in 0..<10 {
            for s in 0..<2 {
                #expect(abs(foot.units[i][s].accuracy - 0.5) < 1e-12)
                #expect(focus.units[i][s].accuracy > 0.6)
                // Scenario 1's states differ only in the arm and hand, inside the focus region
                // (the small difference is the projector's interpolation of the masked map).
                #expect(abs(focus.units[i][s].accuracy - whole.units[i][s].accuracy) < 0.005)
            }
        }
        // Scenario 3's foot changes with the hand, outside the arm focus region: the whole box sees more.
        let feet = Self.dataset(.handsWithFeet, count: 10, snr: 0.02, seed: 4)
        let all = (0..<10).flatMap { [($0, HumanoidSide.a), ($0, HumanoidSide.b)] }
        let wholeFeet = IdealObserverCeiling(dataset: feet, components: coarseMaps, focusMask: Self.wholeBox, samples: 2000)
        let focusFeet = IdealObserverCeiling(dataset: feet, components: coarseMaps, focusMask: focusMask, samples: 2000)
        #expect(focusFeet.accuracy(of: all) < wholeFeet.accuracy(of: all) - 0.01)
        #expect(focusFeet.accuracy(of: all) > 0.3)
    }

    @Test("pooled kappa of the ceiling's accuracy equals the pooled one-versus-rest kappa of a table with that accuracy",
          arguments: [2, 3, 4, 8])
    func pooledKappaMatchesCounts(states k: Int) {
        var random = SeededRandom(seed: UInt64(k))
        for _ in 0..<20 {
            // A K × K table with N per true state and accuracy a, errors spread at random.
            let perState = 1000
            var counts = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
            let a = random.uniform()
            for t in 0..<k {
                counts[t][t] = Int((a * Double(perState)).rounded())
                for _ in 0..<(perState - counts[t][t]) {
                    var c = min(Int(random.uniform() * Double(k - 1)), k - 2)
                    if c >= t { c += 1 }
                    counts[t][c] += 1
                }
            }
            var tp = 0, fp = 0, fn = 0, tn = 0
            let total = perState * k
            for s in 0..<k {
                let predicted = (0..<k).reduce(0) { $0 + counts[$1][s] }
                tp += counts[s][s]; fp += predicted - counts[s][s]; fn += perState - counts[s][s]
                tn += total - predicted - perState + counts[s][s]
            }
            let all = Double(tp + fp + fn + tn)
            let po = Double(tp + tn) / all
            let pe = (Double(tp + fp) * Double(tp + fn) + Double(tn + fn) * Double(tn + fp)) / (all * all)
            let accuracy = Double((0..<k).reduce(0) { $0 + counts[$1][$1] }) / Double(total)
            #expect(abs(IdealObserverCeiling.pooledKappa(accuracy: accuracy, states: k) - (po - pe) / (1 - pe)) < 1e-12)
        }
    }
}
