import FoveaCore
import Numerics
import Testing
import _FoveaTestSupport

/// The per-row kernels of the likelihood and insertion against the plain computations they replace,
/// bit for bit, over seeded random sizes.
@Suite("Per-row kernels: band inverse FFT, interleaved projection, several-class insertion")
struct RowCostKernelTests {
    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    @Test("the band inverse FFT gives the full centred inverse's rows bit for bit (random boxes, bands, spectra)")
    func bandInverseMatchesFullInverse() {
        var rng = TestRandom(seed: 14)
        var bandedTrials = 0
        let sizes = [106, 64, 8, 10] + (0..<8).map { _ in 2 * Int(rng.uniform(4, 66)) }
        for n in sizes {
            let w = n / 2 + 1
            let maxRows = n == 106 ? 16 : 1 + Int(rng.uniform(0, Double(n)))
            let band = RowBandInverseFFT(size: n, maxRows: maxRows, spectra: 2)
            if band.isBanded { bandedTrials += 1 }
            let full = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: n))
            for trial in 0..<4 {
                let scale = trial % 2 == 0 ? 1.0 : 1e4
                let spectrum = (0..<(w * n)).map { _ in
                    Complex(Float(rng.uniform(-scale, scale)), Float(rng.uniform(-scale, scale)))
                }
                var expected = [Float](repeating: 0, count: n * n)
                spectrum.withUnsafeBufferPointer { s in expected.withUnsafeMutableBufferPointer { full.inverse(s, into: $0) } }
                let slot = trial % 2
                for j in 0..<n {
                    for i in 0..<w {
                        let sign = RowBandInverseFFT.centringSign(kx: i, row: j)
                        band.spectra[slot][2 * (i + w * j)] = spectrum[i + w * j].real * sign
                        band.spectra[slot][2 * (i + w * j) + 1] = spectrum[i + w * j].imaginary * sign
                    }
                }
                let count = 1 + Int(rng.uniform(0, Double(maxRows)))
                let first = Int(rng.uniform(0, Double(n - count + 1)))
                let rows = first..<(first + count)
                let (values, firstRow) = band.transform(slot, rows: rows)
                #expect(firstRow <= rows.lowerBound)
                let got = (0..<(count * n)).map { values[(first - firstRow) * n + $0] }
                #expect(Self.bits(got) == Self.bits(Array(expected[(first * n)..<((first + count) * n)])), "N \(n), rows \(rows)")
            }
        }
        // With Debian's FFTW the two stages are the 2-D plan's own for these boxes: the band path ran.
        if FFTWLibrary.version.hasPrefix("fftw-3.3.10") { #expect(bandedTrials >= 4) }
    }

    @Test("interleaved projection of K classes equals each class's own projector bit for bit (random N, P, K, radius)")
    func interleavedProjectionMatchesSingleProjectors() {
        var rng = TestRandom(seed: 41)
        for trial in 0..<6 {
            let n = 2 * Int(rng.uniform(4, 13)), padding = 1 + trial % 2, k = 1 + Int(rng.uniform(0, 9))
            let blobs = FourierFixtures.testBlobs(size: n)
            let projectors = (0..<k).map { c in
                FourierProjector(volume: FourierFixtures.blobVolume(size: n, blobs: blobs.map { ($0.0 * Double(1 + c) / 3, $0.1, $0.2) }),
                                 padding: padding)
            }
            let set = FourierProjectorSet(projectors)
            let values = (n / 2 + 1) * n
            let output = UnsafeMutableBufferPointer<Complex<Float>>.allocate(capacity: k * values)
            defer { output.deallocate() }
            for view in 0..<4 {
                output.initialize(repeating: Complex(7, 7))
                let rotation = RotationMatrix(FourierFixtures.randomAngles(&rng))
                let radius: Double? = view % 2 == 0 ? nil : rng.uniform(1, Double(n / 2))
                set.projectInterleaved(rotation, maxRadius: radius, into: output)
                for (c, projector) in projectors.enumerated() {
                    let expected = projector.projection(rotation, maxRadius: radius).values
                    let got = (0..<values).map { output[c + k * $0] }
                    #expect(Self.bits(got.flatMap { [$0.real, $0.imaginary] }) == Self.bits(expected.flatMap { [$0.real, $0.imaginary] }),
                            "N \(n), P \(padding), K \(k), class \(c)")
                }
            }
        }
    }

    @Test("several-accumulator insertion equals one-by-one insertion bit for bit (random N, P, weights, radius)")
    func severalClassInsertionMatchesSingle() {
        var rng = TestRandom(seed: 9)
        for trial in 0..<5 {
            let n = 2 * Int(rng.uniform(4, 11)), padding = 1 + trial % 2, k = 2 + Int(rng.uniform(0, 5))
            let projector = FourierProjector(volume: FourierFixtures.blobVolume(size: n, blobs: FourierFixtures.testBlobs(size: n)),
                                             padding: 1)
            let ctf = (0..<((n / 2 + 1) * n)).map { _ in Float(rng.uniform(-1, 1)) }
            var single = (0..<k).map { _ in ReconstructionAccumulator(size: n, padding: padding) }
            var batched = single
            for _ in 0..<4 {
                let rotation = RotationMatrix(FourierFixtures.randomAngles(&rng))
                let image = projector.projection(rotation)
                let weights = (0..<k).map { _ in rng.uniform(0, 1) < 0.3 ? 0 : rng.uniform(0, 2) }
                let radius: Double? = rng.uniform(0, 1) < 0.5 ? nil : rng.uniform(1, Double(n / 2))
                for (c, weight) in weights.enumerated() where weight > 0 {
                    single[c].insert(image, ctf: ctf, rotation: rotation, weight: weight, maxRadius: radius)
                }
                ReconstructionAccumulator.insert(image, ctf: ctf, rotation: rotation, weights: weights, into: &batched, maxRadius: radius)
            }
            for c in 0..<k {
                #expect(single[c].numerator.map(\.bitPattern) == batched[c].numerator.map(\.bitPattern), "N \(n), P \(padding), class \(c)")
                #expect(single[c].ctfSquared.map(\.bitPattern) == batched[c].ctfSquared.map(\.bitPattern))
            }
        }
    }
}
