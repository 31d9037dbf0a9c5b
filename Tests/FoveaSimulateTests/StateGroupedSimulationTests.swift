import Foundation
import Testing
import FoveaCore
import FoveaIO
import FoveaSimulate

/// The dataset makes its images state by state (one projector per state, prepared when needed and
/// kept only within a memory budget) and the ceiling shares projectors between maps whose masked
/// volumes agree: checked against an independent computation that prepares a fresh projector for
/// every particle and every hypothesis, as the simulation is defined.
@Suite struct StateGroupedSimulationTests {
    /// Seeded settings: scenario, count, seed, threads and the projector budget (none kept, or all).
    static func cases() -> [HumanoidParticleDataset.Settings] {
        var random = SeededRandom(seed: 2026, stream: 14)
        return (0..<4).map { c in
            let scenario = HumanoidScenario.allCases[Int(random.next() % 3)]
            var settings = HumanoidParticleDataset.Settings(scenario: scenario, count: 5 + Int(random.next() % 20),
                                                            snr: 0.02 + random.uniform(in: 0..<0.2), seed: random.next())
            settings.grid = coarseGrid
            settings.threads = 1 + c % 3
            settings.projectorMemoryBytes = c % 2 == 0 ? 0 : 1e9
            return settings
        }
    }

    /// A fresh projector of `state`'s map, as the simulator defines it (padding 2).
    static func simulator(_ state: HumanoidState) -> ParticleImageSimulator {
        ParticleImageSimulator(projector: FourierProjector(volume: coarseMaps.map(of: state), padding: 2))
    }

    @Test("the written stack, the signal variance and the noise equal a fresh projector per particle, for any budget and threads",
          arguments: cases())
    func writtenImagesEqualFreshProjectors(settings: HumanoidParticleDataset.Settings) throws {
        let dataset = HumanoidParticleDataset(settings: settings, maps: coarseMaps)
        // Signal variance: the mean over the sampled particles (every particle below 500).
        var variance = 0.0
        for draw in dataset.draws {
            variance += ParticleImageSimulator.variance(of: Self.simulator(draw.truth.state).signalSpectrum(
                rotation: RotationMatrix(draw.angles), shiftX: draw.shiftX, shiftY: draw.shiftY, ctf: draw.ctf))
        }
        #expect(dataset.signalVariance == variance / Double(dataset.draws.count))
        let folder = testScratchRoot + "grouped-\(UUID().uuidString)"
        var reported: [Int] = []
        try dataset.write(to: folder) { reported.append($0) }
        #expect(reported == reported.sorted() && reported.last == settings.count)
        let reader = try MRCReader(path: folder + "/particles.mrcs")
        for (index, draw) in dataset.draws.enumerated() {
            var random = SeededRandom(seed: settings.seed, stream: UInt64(index) &+ 1 &+ (1 << 40))
            let expected = Self.simulator(draw.truth.state).image(
                rotation: RotationMatrix(draw.angles), shiftX: draw.shiftX, shiftY: draw.shiftY, ctf: draw.ctf,
                structuralNoise: dataset.noise.structural, shotNoise: dataset.noise.shot, random: &random)
            #expect(try reader.image(at: index).pixels == expected.pixels.map { -$0 })
            #expect(dataset.image(index) == expected)
        }
    }

    /// Independent: the distances summed in another order, so equal to rounding (≈ 3e-9 relative).
    @Test("the ceiling's separations equal whitened distances from fresh projectors of every masked hypothesis",
          arguments: [(HumanoidScenario.handsWithFeet, UInt64(5)), (.randomHands, 8), (.armsMove, 13)])
    func ceilingEqualsFreshProjectors(scenario: HumanoidScenario, seed: UInt64) {
        var settings = HumanoidParticleDataset.Settings(scenario: scenario, count: 12, snr: 0.05, seed: seed)
        settings.grid = coarseGrid
        settings.threads = 2
        let dataset = HumanoidParticleDataset(settings: settings, maps: coarseMaps)
        let mask = HumanoidGeometry().softMask(.armHandFocus, on: coarseGrid)
        let ceiling = IdealObserverCeiling(dataset: dataset, components: coarseMaps, focusMask: mask)
        let n = coarseGrid.size, w = n / 2 + 1
        for (index, draw) in dataset.draws.enumerated() {
            for side in HumanoidSide.allCases {
                let sideMask = side == .a ? mask : Self.c2(mask)
                let other: HumanoidSide = side == .a ? .b : .a
                let candidates = scenario.maps.filter { $0[other] == draw.truth.state[other] }
                let means = candidates.map { state -> HalfComplexImage in
                    var masked = coarseMaps.map(of: state)
                    for i in masked.voxels.indices { masked.voxels[i] *= sideMask.voxels[i] }
                    return FourierProjector(volume: masked, padding: 2).projection(RotationMatrix(draw.angles))
                }
                let truth = candidates.firstIndex(of: draw.truth.state)!
                let ctf = draw.ctf.halfPlaneGrid(size: n, pixelSize: coarseGrid.pixelSize)
                var smallest = Double.infinity
                for l in candidates.indices where l != truth {
                    var d2 = 0.0
                    for j in 0..<n {
                        for i in 0..<w {
                            let c = Double(ctf[i + w * j])
                            let v = (dataset.noise.structural * dataset.noise.structural * c * c
                                     + dataset.noise.shot * dataset.noise.shot) / Double(n * n)
                            guard v > 0 else { continue }
                            let d = means[truth].values[i + w * j] - means[l].values[i + w * j]
                            d2 += ((i == 0 || i == n / 2) ? 1 : 2) * c * c * Double(d.real * d.real + d.imaginary * d.imaginary) / v
                        }
                    }
                    smallest = min(smallest, d2.squareRoot())
                }
                let unit = ceiling.units[index][side == .a ? 0 : 1]
                #expect(abs(unit.separation - smallest) <= 1e-7 * max(1, smallest), "particle \(index) side \(side)")
            }
        }
    }

    /// The ceiling holds one projector and a run of projections at a time; how many units a run
    /// has (one, a few, all) must not change a bit of any unit — with junk particles, whose units
    /// need no projection, among them.
    @Test("the ceiling's units are the same for any projection budget (one unit per run … all at once)",
          arguments: [(HumanoidScenario.handsWithFeet, UInt64(21)), (.randomHands, 22), (.armsMove, 23), (.handsWithFeet, 24)])
    func ceilingIndependentOfRuns(scenario: HumanoidScenario, seed: UInt64) {
        var random = SeededRandom(seed: seed, stream: 7)
        var settings = HumanoidParticleDataset.Settings(scenario: scenario, count: 6 + Int(random.next() % 10), snr: 0.05, seed: seed)
        settings.grid = coarseGrid
        settings.threads = 1 + Int(random.next() % 3)
        if seed % 2 == 0 { settings.imperfections.junkFraction = 0.3 }
        let dataset = HumanoidParticleDataset(settings: settings, maps: coarseMaps)
        let mask = HumanoidGeometry().softMask(.armHandFocus, on: coarseGrid)
        let spectrum = Double(coarseGrid.size * (coarseGrid.size / 2 + 1) * 8)
        let all = IdealObserverCeiling(dataset: dataset, components: coarseMaps, focusMask: mask, projectionMemoryBytes: 1e12)
        for budget in [1, spectrum * Double(1 + random.next() % 12), nil] {
            let ceiling = IdealObserverCeiling(dataset: dataset, components: coarseMaps, focusMask: mask, projectionMemoryBytes: budget)
            #expect(ceiling.units == all.units, "budget \(String(describing: budget))")
        }
        #expect(all.units.allSatisfy { $0.allSatisfy { $0.accuracy.isFinite } })
    }

    /// The C2 image about z through the box centre (voxels without a partner are 0).
    static func c2(_ volume: Volume) -> Volume {
        let n = volume.size
        var out = Volume(size: n, pixelSize: volume.pixelSize)
        for k in 0..<n {
            for j in 1..<n {
                for i in 1..<n { out[i, j, k] = volume[n - i, n - j, k] }
            }
        }
        return out
    }
}
