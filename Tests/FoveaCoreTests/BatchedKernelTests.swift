import FoveaCore
import Numerics
import Testing
import _FoveaTestSupport

/// The batched kernels (several classes per pass) must give exactly what the one-class kernels give.
@Suite("Batched projection and insertion")
struct BatchedKernelTests {
    static func volumes(size n: Int) -> [Volume] {
        let blobs = FourierFixtures.testBlobs(size: n)
        return (0..<3).map { k in
            FourierFixtures.blobVolume(size: n, blobs: blobs.map { ($0.0 * Double(1 + k) / 2, $0.1, $0.2 * Double(k + 1)) })
        }
    }

    @Test("a projector set slices every class bit-identically to its own projector, with and without a radius")
    func projectorSetMatchesSingleProjectors() {
        let n = 16
        let projectors = Self.volumes(size: n).map { FourierProjector(volume: $0, padding: 2) }
        let set = FourierProjectorSet(projectors)
        var rng = TestRandom(seed: 7)
        for trial in 0..<6 {
            let rotation = RotationMatrix(FourierFixtures.randomAngles(&rng))
            let radius: Double? = trial % 2 == 0 ? nil : 5.5
            let buffers = projectors.map { _ in UnsafeMutableBufferPointer<Complex<Float>>.allocate(capacity: (n / 2 + 1) * n) }
            defer { buffers.forEach { $0.deallocate() } }
            for buffer in buffers { buffer.initialize(repeating: Complex(9, 9)) }
            set.project(rotation, maxRadius: radius, into: buffers)
            for (projector, buffer) in zip(projectors, buffers) {
                let expected = projector.projection(rotation, maxRadius: radius).values
                #expect(Array(buffer) == expected)
            }
        }
    }

    @Test("inserting into several accumulators at once equals inserting one by one; weight 0 skips")
    func batchedInsertionMatchesSingle() {
        let n = 16
        let projector = FourierProjector(volume: Self.volumes(size: n)[0], padding: 1)
        var rng = TestRandom(seed: 3)
        let ctf = (0..<((n / 2 + 1) * n)).map { Float(0.2 + 0.8 * Double($0 % 7) / 7) }
        var single = (0..<3).map { _ in ReconstructionAccumulator(size: n, padding: 1) }
        var batched = single
        for _ in 0..<5 {
            let rotation = RotationMatrix(FourierFixtures.randomAngles(&rng))
            let image = projector.projection(rotation)
            let weights = [0.7, 0, 0.25]
            for (k, w) in weights.enumerated() where w > 0 {
                single[k].insert(image, ctf: ctf, rotation: rotation, weight: w)
            }
            ReconstructionAccumulator.insert(image, ctf: ctf, rotation: rotation, weights: weights, into: &batched)
        }
        for k in 0..<3 {
            #expect(single[k].numerator == batched[k].numerator)
            #expect(single[k].ctfSquared == batched[k].ctfSquared)
        }
        #expect(batched[1].ctfSquared.allSatisfy { $0 == 0 })
        #expect(batched[0].ctfSquared.contains { $0 > 0 })
    }
}
