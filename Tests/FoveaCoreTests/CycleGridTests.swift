import Foundation
import Numerics
import Testing
import FoveaCore
import _FoveaTestSupport

/// The classification cycles keep their sums and maps on a coarser grid of the same physical box:
/// insertion there adds exactly what the data's box adds at every frequency both hold, and maps
/// and masks move between the grids without losing the band.
@Suite struct CycleGridTests {
    /// The value of accumulator `a` at frequency (kx ≥ 0, ky, kz) (numerator re, im and ctf²).
    static func value(_ a: ReconstructionAccumulator, _ kx: Int, _ ky: Int, _ kz: Int) -> (Double, Double, Double) {
        let np = a.paddedSize, wp = np / 2 + 1
        let index = kx + wp * ((ky + np) % np + np * ((kz + np) % np))
        return (a.numerator[2 * index], a.numerator[2 * index + 1], a.ctfSquared[index])
    }

    /// Seeded boxes, radii and views: a disc of radius r inserted into an accumulator of box m
    /// (⌊r⌋ + 2 ≤ m/2 < N/2) holds bit for bit what the box-N accumulator holds at every
    /// frequency of the m grid, and the N accumulator holds nothing beyond it.
    @Test func aSmallerGridReceivesTheSameSumsWithinItsBox() {
        var rng = TestRandom(seed: 14)
        for _ in 0..<12 {
            let n = 2 * Int.random(in: 12...28, using: &rng)
            let radius = Double.random(in: 3...(Double(n) / 2 - 4), using: &rng)
            let m = min(n - 2, 2 * (Int(radius) + 2) + 2 * Int.random(in: 0...2, using: &rng))
            let input = RandomDiscSpectrum(size: n, radius: radius, rng: &rng)
            let (disc, packed, packedCTF) = (input.disc, input.packed, input.packedCTF)
            var full = [ReconstructionAccumulator(size: n), ReconstructionAccumulator(size: n)]
            var small = [ReconstructionAccumulator(size: m), ReconstructionAccumulator(size: m)]
            for _ in 0..<3 {
                let rotation = RotationMatrix(FourierFixtures.randomAngles(&rng))
                let weights = [Double.random(in: 0.1...1, using: &rng), Double.random(in: 0.1...1, using: &rng)]
                packed.withUnsafeBufferPointer { x in
                    packedCTF.withUnsafeBufferPointer { c in
                        ReconstructionAccumulator.insert(x, ctf: c, layout: disc, rotation: rotation, weights: weights, into: &full)
                        ReconstructionAccumulator.insert(x, ctf: c, layout: disc, rotation: rotation, weights: weights, into: &small)
                    }
                }
            }
            for a in 0..<2 {
                var mismatches = 0, outside = 0.0
                for kz in -n / 2..<n / 2 {
                    for ky in -n / 2..<n / 2 {
                        for kx in 0...n / 2 {
                            let f = Self.value(full[a], kx, ky, kz)
                            if kx <= m / 2 && ky >= -m / 2 && ky < m / 2 && kz >= -m / 2 && kz < m / 2 {
                                let s = Self.value(small[a], kx, ky, kz)
                                if s != f { mismatches += 1 }
                            } else {
                                outside += abs(f.0) + abs(f.1) + abs(f.2)
                            }
                        }
                    }
                }
                #expect(mismatches == 0, "box \(n) → \(m), radius \(radius)")
                #expect(outside == 0, "box \(n) filled frequencies beyond the \(m) grid")
                #expect(small[a].ctfSquared.contains { $0 != 0 })
            }
        }
    }

    /// Cropping a map keeps its band: a map whose spectrum lies within a grid m (off m's Nyquist
    /// planes, where a real map's crop is not Hermitian) comes back from m to its own box unchanged;
    /// a constant map keeps its value; the voxel size scales with the box.
    @Test func fourierResizingKeepsTheSmallerGridsBand() {
        var rng = TestRandom(seed: 15)
        for _ in 0..<6 {
            let n = 2 * Int.random(in: 6...16, using: &rng), m = 2 * Int.random(in: 3...(n / 2 - 1), using: &rng)
            var noise = Volume(size: n, pixelSize: 1.7)
            for i in noise.voxels.indices { noise.voxels[i] = Float(rng.gaussian()) }
            let map = noise.fourierResized(to: m - 2).fourierResized(to: n)
            #expect(abs(map.pixelSize - 1.7) < 1e-12)
            let cropped = map.fourierResized(to: m)
            #expect(cropped.size == m && abs(cropped.pixelSize - 1.7 * Double(n) / Double(m)) < 1e-12)
            let back = cropped.fourierResized(to: n)
            let largest = zip(map.voxels, back.voxels).map { abs($0 - $1) }.max() ?? 0
            let scale = map.voxels.map { abs($0) }.max() ?? 0
            #expect(largest < 1e-5 * scale, "box \(n) → \(m): round trip differs by \(largest) (largest value \(scale))")
            let constant = Volume(size: n, pixelSize: 1, voxels: [Float](repeating: 2.5, count: n * n * n)).fourierResized(to: m)
            #expect(constant.voxels.allSatisfy { abs($0 - 2.5) < 1e-5 })
        }
    }

    /// A binary mask resampled to a coarser grid stays binary, keeps its centre voxel, and covers
    /// about the same volume (a sphere's within the voxels its surface crosses).
    @Test func nearestResamplingKeepsAMaskBinaryAndItsVolume() {
        var rng = TestRandom(seed: 16)
        for _ in 0..<6 {
            let n = 2 * Int.random(in: 16...32, using: &rng), m = 2 * Int.random(in: 8...(n / 2), using: &rng)
            let radius = Double.random(in: 4...(Double(n) / 3), using: &rng)
            let mask = FocusSphere(centre: .zero, radius: radius, origin: .centre).volume(size: n, pixelSize: 1)
            let small = mask.nearestResampled(to: m)
            #expect(small.size == m && abs(small.pixelSize - Double(n) / Double(m)) < 1e-12)
            #expect(small.voxels.allSatisfy { $0 == 0 || $0 == 1 })
            #expect(small[m / 2, m / 2, m / 2] == 1)
            let volume = Double(small.voxels.reduce(0, +)) * pow(small.pixelSize, 3)
            let expected = 4 / 3 * Double.pi * pow(radius, 3)
            let shell = 4 * Double.pi * radius * radius * small.pixelSize * 3.0.squareRoot()
            #expect(abs(volume - expected) < shell, "box \(n) → \(m), radius \(radius)")
        }
    }
}
