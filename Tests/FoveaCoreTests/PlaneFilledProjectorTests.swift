import FoveaCore
import Numerics
import Testing
import _FoveaTestSupport

/// A projector prepared plane by plane straight into its own array (no FFT workspace: the padded
/// box's two scratch arrays are never allocated) holds the same bits as one prepared through a
/// workspace, over seeded random boxes, paddings, sinc-correction radii, maps and thread counts;
/// and the plane-filled forward transform equals the workspace's, centred or not, on random shapes.
@Suite struct PlaneFilledProjectorTests {
    /// Bit patterns of complex values (re, im), so that −0 and +0 or NaN payloads would differ.
    static func bits(_ values: [Complex<Float>]) -> [UInt32] { values.flatMap { [$0.real.bitPattern, $0.imaginary.bitPattern] } }

    @Test("plane-filled projector == workspace projector, bit for bit", arguments: 0..<8)
    func projectorMatchesWorkspacePath(seed: Int) {
        var rng = TestRandom(seed: 9_100 + UInt64(seed))
        let n = 2 * Int(rng.uniform(4, 21)), padding = Int(rng.uniform(1, 4))
        let radius: Double? = rng.uniform(0, 1) < 0.5 ? nil : rng.uniform(1, Double(n / 2))
        var volume = Volume(size: n, pixelSize: rng.uniform(0.5, 6))
        for i in volume.voxels.indices { volume.voxels[i] = Float(rng.gaussian()) }
        let previous = VolumeThreads.count
        defer { VolumeThreads.count = previous }
        VolumeThreads.count = 1 + seed % 3
        let np = padding * n
        let viaWorkspace = FourierProjector(volume: volume, padding: padding, sincCorrectionRadius: radius,
                                            workspace: FFTWorkspace(plan: FFTPlanner.shared.plan3D(size: np)))
        VolumeThreads.count = 1 + (seed + 1) % 3
        let planeFilled = FourierProjector(volume: volume, padding: padding, sincCorrectionRadius: radius)
        #expect(Self.bits(planeFilled.transform.values) == Self.bits(viaWorkspace.transform.values),
                "n \(n), padding \(padding), radius \(String(describing: radius))")
        #expect(planeFilled.transform.values.contains { $0 != .zero })
    }

    @Test("RealFFTPlan.forward(fillingPlanes:) == FFTWorkspace.forward(filling:), centred and not", arguments: 0..<6)
    func planeFilledForwardMatchesWorkspace(seed: Int) {
        var rng = TestRandom(seed: 9_200 + UInt64(seed))
        let centred = seed % 2 == 0
        let shape = (0..<3).map { _ in centred ? 2 * Int(rng.uniform(3, 20)) : Int(rng.uniform(5, 40)) }
        let plan = FFTPlanner.shared.plan(dimensions: shape)
        let input = (0..<plan.realCount).map { _ in Float(rng.gaussian()) }
        var expected = [Complex<Float>](repeating: .zero, count: plan.complexCount)
        input.withUnsafeBufferPointer { source in
            expected.withUnsafeMutableBufferPointer { FFTWorkspace(plan: plan).forward(source, into: $0, centred: centred) }
        }
        var actual = [Complex<Float>](repeating: Complex(.nan, .nan), count: plan.complexCount)
        let plane = shape[1] * shape[2]
        input.withUnsafeBufferPointer { source in
            nonisolated(unsafe) let source = source
            actual.withUnsafeMutableBufferPointer { output in
                plan.forward(fillingPlanes: { z, target in
                    for i in 0..<plane { target[i] = source[z * plane + i] }
                }, into: output, centred: centred)
            }
        }
        #expect(Self.bits(actual) == Self.bits(expected), "shape \(shape)")
    }
}
