import Testing
import FoveaCore
import Foundation
import _FoveaTestSupport

@Suite struct ReconstructionTests {
    /// A box-64 phantom with features from σ = 1 px up (power up to Nyquist).
    static func phantom(size n: Int) -> Volume {
        var blobs = FourierFixtures.testBlobs(size: n)
        blobs += [(SIMD3(8, 8, -6), 1.0, 1.5), (SIMD3(-10, 4, 9), 1.0, 1.0), (SIMD3(3, -12, -2), 1.3, 1.2),
                  (SIMD3(0, 0, 0), 3.0, 0.5)]
        return FourierFixtures.blobVolume(size: n, blobs: blobs)
    }

    @Test func noiselessCTFModulatedProjectionsReconstructThePhantom() {
        let n = 64, pixelSize = 2.0
        let phantom = Self.phantom(size: n)
        let projector = FourierProjector(volume: phantom, padding: 2)
        var rng = TestRandom(seed: 7)
        var accumulator = ReconstructionAccumulator(size: n, padding: 2)
        for _ in 0..<5000 {
            let m = RotationMatrix(FourierFixtures.randomAngles(&rng))
            let ctf = FourierFixtures.testCTF(size: n, pixelSize: pixelSize, defocus: Double.random(in: 8000...20000, using: &rng))
            var image = projector.projection(m)
            image.multiply(by: ctf)
            accumulator.insert(image, ctf: ctf, rotation: m, weight: 1)
        }
        let map = accumulator.finalised(regularisation: .constant(1e-3))
        let fsc = FourierShellCorrelation(map, phantom)
        let limit = Int(0.8 * Double(n / 2))
        let worst = fsc.values[1...limit].min()!
        #expect(worst >= 0.9, "FSC against the phantom up to shell \(limit): min \(worst); \(fsc.values)")
        // Same scale as the phantom (projector and reconstructor share the §1.1 convention).
        #expect(abs(FourierFixtures.regressionSlope(map.voxels, on: phantom.voxels) - 1) < 0.05)
    }

    @Test func halfMapFSCFallsWithResolutionUnderNoise() {
        let n = 32
        let phantom = FourierFixtures.blobVolume(size: n, blobs: FourierFixtures.testBlobs(size: n))
        let projector = FourierProjector(volume: phantom, padding: 2)
        var rng = TestRandom(seed: 9)
        var halves = HalfSetReconstruction(size: n, padding: 2)
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: n))
        var noisy = [Float](repeating: 0, count: n * n)
        var spectrum = HalfComplexImage(size: n)
        for k in 0..<2000 {
            let m = RotationMatrix(FourierFixtures.randomAngles(&rng))
            let ctf = FourierFixtures.testCTF(size: n, pixelSize: 2, defocus: Double.random(in: 8000...20000, using: &rng))
            var image = projector.projection(m)
            image.multiply(by: ctf)
            image.values.withUnsafeBufferPointer { s in noisy.withUnsafeMutableBufferPointer { workspace.inverse(s, into: $0) } }
            for i in 0..<(n * n) { noisy[i] += Float(0.3 * rng.gaussian()) }
            noisy.withUnsafeBufferPointer { r in spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(r, into: $0) } }
            halves.insert(spectrum, ctf: ctf, rotation: m, weight: 1, halfSet: k % 2 + 1)
        }
        let fsc = halves.fsc(regularisation: .constant(1))
        let low = fsc.values[1...3].reduce(0, +) / 3, high = fsc.values[12...16].reduce(0, +) / 5
        #expect(low > 0.85, "low-resolution half-map FSC \(low); \(fsc.values)")
        #expect(abs(high) < 0.2, "high-resolution half-map FSC \(high); \(fsc.values)")
        let resolution = fsc.resolution(pixelSize: 2)
        #expect(resolution > 4 && resolution < 32, "FSC 0.143 resolution \(resolution) Å")
    }

    @Test func partialAccumulatorsAddToTheWholeAndFinalisationRecoversASingleView() {
        let n = 16
        let volume = FourierFixtures.blobVolume(size: n, blobs: FourierFixtures.testBlobs(size: n))
        let projector = FourierProjector(volume: volume, padding: 1)
        var rng = TestRandom(seed: 11)
        let views = (0..<6).map { _ in RotationMatrix(FourierFixtures.randomAngles(&rng)) }
        var whole = ReconstructionAccumulator(size: n), partA = whole, partB = whole
        for (k, m) in views.enumerated() {
            let image = projector.projection(m)
            whole.insert(image, ctf: nil, rotation: m, weight: 0.5 + Double(k))
            if k < 3 { partA.insert(image, ctf: nil, rotation: m, weight: 0.5 + Double(k)) }
            else { partB.insert(image, ctf: nil, rotation: m, weight: 0.5 + Double(k)) }
        }
        partA.add(partB)
        // Equal up to the order of floating-point additions.
        #expect(zip(partA.numerator, whole.numerator).allSatisfy { abs($0 - $1) <= 1e-12 * (1 + abs($1)) })
        #expect(zip(partA.ctfSquared, whole.ctfSquared).allSatisfy { abs($0 - $1) <= 1e-12 * (1 + abs($1)) })
        #expect(whole.ctfSquared.reduce(0, +) > 0)
        // An image inserted with the identity view and read back by a projector at the same view
        // is unchanged at every grid frequency (plain ratio, no regularisation).
        var single = ReconstructionAccumulator(size: n)
        let image = projector.projection(.identity)
        single.insert(image, ctf: nil, rotation: .identity, weight: 3)
        let completed = single.friedelCompleted()
        let w = n / 2 + 1
        for j in 0..<n where j != n / 2 { for i in 0..<w where i * i + (j < n / 2 ? j * j : (j - n) * (j - n)) <= (n / 2) * (n / 2) {
            let index = i + w * j  // kz = 0 plane
            let expected = image.values[index]
            #expect(abs(completed.numerator[2 * index] / completed.ctfSquared[index] - Double(expected.real)) < 1e-6)
            #expect(abs(completed.numerator[2 * index + 1] / completed.ctfSquared[index] - Double(expected.imaginary)) < 1e-6)
        } }
    }

    @Test func ssnrRegularisationZeroesShellsWithoutSignalAndFSCResolutionInterpolates() {
        let n = 32
        let phantom = FourierFixtures.blobVolume(size: n, blobs: FourierFixtures.testBlobs(size: n))
        let projector = FourierProjector(volume: phantom, padding: 2)
        var rng = TestRandom(seed: 13)
        var halves = HalfSetReconstruction(size: n, padding: 1)
        for k in 0..<600 {
            let m = RotationMatrix(FourierFixtures.randomAngles(&rng))
            halves.insert(projector.projection(m), ctf: nil, rotation: m, weight: 1, halfSet: k % 2 + 1)
        }
        // SSNR large up to shell 8, 0 beyond: the map keeps shells ≤ 7 and loses shells ≥ 9.
        let ssnr = (0...(n / 2)).map { $0 <= 8 ? 1e6 : 0.0 }
        let map = halves.fullMap(regularisation: .ssnr(perShell: ssnr, wienerConstant: 1))
        let fsc = FourierShellCorrelation(map, phantom)
        #expect(fsc.values[1...7].allSatisfy { $0 > 0.95 }, "\(fsc.values)")
        let t = map.fourierTransform()
        var powerBeyond = 0.0
        let total = t.values.reduce(0.0) { $0 + Double($1.lengthSquared) }
        for v in t.values.indices {
            let i = v % (n / 2 + 1), j = FourierGrid.frequency(index: (v / (n / 2 + 1)) % n, size: n)
            let l = FourierGrid.frequency(index: v / ((n / 2 + 1) * n), size: n)
            if i * i + j * j + l * l >= 10 * 10 { powerBeyond += Double(t.values[v].lengthSquared) }
        }
        // Not exactly 0: the real-space grid correction spreads a little power.
        #expect(powerBeyond < 1e-3 * total, "power beyond shell 10: \(powerBeyond) of \(total)")
        // A sharp low-pass of the phantom at |k| ≤ 7.5: FSC 1 up to shell 7, 0 from shell 8, so
        // the 0.143 crossing interpolates to shell 7 + (1 − 0.143) and the resolution is N·p/7.857.
        let transform = phantom.fourierTransform()
        var lowPassed = transform
        lowPassed.applyRadialFilter { $0 <= 7.5 / Double(n) ? 1 : 0 }
        let sharp = FourierShellCorrelation(transform, lowPassed)
        #expect(abs(sharp.values[7] - 1) < 1e-5 && sharp.values[8] == 0)
        #expect(abs(sharp.resolution(pixelSize: 1.5) - Double(n) * 1.5 / (7 + (1 - 0.143))) < 1e-3)
    }

    @Test func shellStatisticsCountVoxelsAndCTFSquared() {
        // One identity view without CTF, weight 2: after Friedel completion the kz = 0 plane holds
        // ctf² = 2 on every grid point with |k| ≤ N/2 (on the kx = 0 line, both k and −k).
        let n = 16
        var accumulator = ReconstructionAccumulator(size: n)
        accumulator.insert(HalfComplexImage(size: n), ctf: nil, rotation: .identity, weight: 2)
        let stats = accumulator.shellStatistics()
        // Shell 3: full-plane lattice points with round(|k|) = 3 (k and −k each once).
        var expectedCount = 0.0, expectedSum = 0.0
        for ky in -(n / 2)..<(n / 2) { for kx in -(n / 2)..<(n / 2) where kx * kx + ky * ky <= (n / 2) * (n / 2) {
            guard Int((Double(kx * kx + ky * ky)).squareRoot().rounded()) == 3 else { continue }
            expectedCount += 1
            expectedSum += 2
        } }
        #expect(stats.voxelCount[3] == expectedCount)
        #expect(abs(stats.ctfSquaredSum[3] - expectedSum) < 1e-9)
        #expect(stats.voxelCount.count == n / 2 + 1)
    }
}
