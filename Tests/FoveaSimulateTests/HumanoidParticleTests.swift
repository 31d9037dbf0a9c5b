import Foundation
import Testing
import FoveaCore
import FoveaIO
import FoveaSimulate

/// This test process's scratch folder (under $TMPDIR, named by the process id); removed at exit.
let testScratchRoot: String = {
    atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "fovea-tests-\(getpid())") }
    return NSTemporaryDirectory() + "fovea-tests-\(getpid())/"
}()

/// Humanoid particle datasets: SNR as defined, determinism, the files and their truth.
@Suite struct HumanoidParticleTests {
    static func settings(count: Int, snr: Double, scenario: HumanoidScenario = .randomHands, threads: Int = 1)
        -> HumanoidParticleDataset.Settings {
        var s = HumanoidParticleDataset.Settings(scenario: scenario, count: count, snr: snr, seed: 9)
        s.grid = coarseGrid
        s.shiftRange = 10
        s.threads = threads
        return s
    }

    /// var(signal)/var(noise) over the dataset equals the requested SNR (signal: the noise-free
    /// image of each particle, noise: the image minus it).
    @Test(arguments: [0.1, 0.013])
    func snrIsTheRatioOfSignalToNoiseVariance(snr: Double) {
        let dataset = HumanoidParticleDataset(settings: Self.settings(count: 200, snr: snr), maps: coarseMaps)
        var signal = 0.0, noise = 0.0
        for i in 0..<dataset.draws.count {
            let d = dataset.draws[i]
            let projector = FourierProjector(volume: coarseMaps.map(of: d.truth.state), padding: 2)
            let clean = ParticleImageSimulator(projector: projector)
                .signalSpectrum(rotation: RotationMatrix(d.angles), shiftX: d.shiftX, shiftY: d.shiftY, ctf: d.ctf)
                .realSpace(pixelSize: coarseGrid.pixelSize)
            let noisy = dataset.image(i)
            let residual = zip(noisy.pixels, clean.pixels).map { Double($0 - $1) }
            let mean = residual.reduce(0, +) / Double(residual.count)
            noise += residual.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(residual.count)
            let m = clean.pixels.map(Double.init).reduce(0, +) / Double(clean.pixels.count)
            signal += clean.pixels.map { (Double($0) - m) * (Double($0) - m) }.reduce(0, +) / Double(clean.pixels.count)
        }
        let measured = signal / noise
        print("requested SNR \(snr), measured \(measured)")
        #expect(abs(measured / snr - 1) < 0.05)
    }

    @Test func imagesDoNotDependOnThreadsAndSeedsReproduce() {
        let one = HumanoidParticleDataset(settings: Self.settings(count: 12, snr: 0.05, threads: 1), maps: coarseMaps)
        let two = HumanoidParticleDataset(settings: Self.settings(count: 12, snr: 0.05, threads: 2), maps: coarseMaps)
        #expect(one.images(0..<12) == two.images(0..<12))
        #expect(one.image(5) == two.images(5..<6)[0])
        var other = Self.settings(count: 12, snr: 0.05)
        other.seed = 10
        #expect(HumanoidParticleDataset(settings: other, maps: coarseMaps).image(5) != one.image(5))
    }

    @Test func filesHoldTheTruthOfEveryParticle() throws {
        let folder = testScratchRoot + "humanoid-\(UUID().uuidString)"
        let dataset = HumanoidParticleDataset(settings: Self.settings(count: 30, snr: 0.1, scenario: .handsWithFeet),
                                              maps: coarseMaps)
        try dataset.write(to: folder)
        let table = try ParticleTable(relionStarAt: folder + "/particles.star")
        #expect(table.count == 30)
        #expect(RotationMatrix(table.particles[7].angles).maxAbsDifference(to: RotationMatrix(dataset.draws[7].angles)) < 1e-9)
        #expect(abs(table.particles[7].shiftX - dataset.draws[7].shiftX) < 1e-9)
        // White protein on disk: the stored image is the negative of Fovea's.
        let stored = try MRCReader(path: folder + "/particles.mrcs").image(at: 4)
        #expect(stored.pixels == dataset.image(4).pixels.map { -$0 })
        let truth = try #require(try StarParser.parse(contentsOf: folder + "/truth.star").block(named: "truth")?.table)
        let hand = try #require(truth.columnIndex("foveaSideAHand")), foot = try #require(truth.columnIndex("foveaSideAFoot"))
        let label = try #require(truth.columnIndex("foveaSideBLabel")), arm = try #require(truth.columnIndex("foveaSideBArm"))
        for (i, row) in truth.rows.enumerated() {
            let state = dataset.draws[i].truth.state
            #expect(row[hand] == (state.sideA.handPresent ? "1" : "0"))
            #expect(row[foot] == row[hand])   // scenario 3: the foot is present exactly when the hand is
            #expect(row[arm] == String(state.sideB.arm.rawValue + 1))
            #expect(Int(row[label]) == HumanoidScenario.handsWithFeet.label(of: state.sideB) + 1)
        }
    }
}

/// The truth matches the data: the particles the truth says are in one state reconstruct to that
/// state's map, not to the map with side A's arm in the other conformation.
@Suite struct HumanoidTruthMatchesDataTests {
    static func correlation(_ a: Volume, _ b: Volume) -> Double {
        let x = a.voxels.map(Double.init), y = b.voxels.map(Double.init)
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (u, v) in zip(x, y) { sxy += (u - mx) * (v - my); sxx += (u - mx) * (u - mx); syy += (v - my) * (v - my) }
        return sxy / (sxx * syy).squareRoot()
    }

    /// For each scenario, the particles of one true state reconstruct to that state's map rather than
    /// to the state that differs in what the scenario varies on side A (the arm; the hand; the hand
    /// and its foot).
    @Test(arguments: [HumanoidScenario.armsMove, .randomHands, .handsWithFeet])
    func particlesOfOneTrueStateReconstructToThatState(scenario: HumanoidScenario) {
        var settings = HumanoidParticleDataset.Settings(scenario: scenario, count: scenario == .armsMove ? 600 : 2400,
                                                        snr: 10, seed: 4)
        settings.grid = coarseGrid
        settings.threads = 2
        let dataset = HumanoidParticleDataset(settings: settings, maps: coarseMaps)
        // A state with side A's hand (and foot) present, so that "other" removes density.
        let target = dataset.draws.first { $0.truth.state.sideA.handPresent }!.truth.state
        var accumulator = ReconstructionAccumulator(size: coarseGrid.size, padding: 2)
        var members = 0
        for (i, draw) in dataset.draws.enumerated() where draw.truth.state == target {
            var spectrum = dataset.image(i).fourierTransform()
            spectrum.applyPhaseShift(x: -draw.shiftX / coarseGrid.pixelSize, y: -draw.shiftY / coarseGrid.pixelSize)
            accumulator.insert(spectrum, ctf: draw.ctf.halfPlaneGrid(size: coarseGrid.size, pixelSize: coarseGrid.pixelSize),
                               rotation: RotationMatrix(draw.angles), weight: 1)
            members += 1
        }
        let map = accumulator.finalised(regularisation: .constant(0.01), pixelSize: coarseGrid.pixelSize)
        var other = target
        switch scenario {
        case .armsMove: other.sideA.arm = target.sideA.arm == .lowered ? .raised : .lowered
        case .randomHands: other.sideA.handPresent = false
        case .handsWithFeet: other.sideA.handPresent = false; other.sideA.footPresent = false
        }
        let right = Self.correlation(map, coarseMaps.map(of: target)), wrong = Self.correlation(map, coarseMaps.map(of: other))
        print("\(scenario): \(members) particles of \(target): correlation with its map \(right), with side A changed \(wrong)")
        #expect(members > 100)
        #expect(right > 0.9)
        #expect(right > wrong + 0.01)
    }
}
