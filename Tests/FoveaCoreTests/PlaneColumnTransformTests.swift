import CFFTW
import FoveaCore
import Testing
import _FoveaTestSupport

/// The threaded 3-D transform: the same bits for any thread count, and FFTW's plain 3-D
/// transform up to rounding, over seeded random shapes (even and odd extents, 8…130).
@Suite struct PlaneColumnTransformTests {
    /// Seeded random shapes [N_z, N_y, N_x]: cubes and boxes, even and odd, at most ≈ 2.2 M voxels.
    static func shapes(seed: UInt64, count: Int) -> [[Int]] {
        var rng = TestRandom(seed: seed)
        return (0..<count).map { index in
            if index % 2 == 0 {
                let n = Int(rng.uniform(8, 131))
                return [n, n, n]
            }
            return (0..<3).map { _ in Int(rng.uniform(8, 131)) }
        }.map { shape in
            // Keep each case small enough for the test suite: shrink the largest extent.
            var s = shape
            while s.reduce(1, *) > 2_200_000 { s[s.firstIndex(of: s.max()!)!] -= 7 }
            return s
        }
    }

    /// Forward then inverse of `input` through `plan` at `threads` threads (unnormalised, FFTW's
    /// convention): the complex spectrum and the real result of the inverse.
    static func transforms(_ plan: RealFFTPlan, _ input: [Float], threads: Int) -> (spectrum: [Float], back: [Float]) {
        let previous = VolumeThreads.count
        VolumeThreads.count = threads
        defer { VolumeThreads.count = previous }
        let real = fftwf_alloc_real(plan.realCount)!
        let complex = fftwf_alloc_complex(plan.complexCount)!
        defer { fftwf_free(real); fftwf_free(complex) }
        real.update(from: input, count: plan.realCount)
        plan.executeForward(real: real, complex: UnsafeMutableRawPointer(complex))
        let spectrum = Array(UnsafeBufferPointer(start: UnsafeRawPointer(complex).assumingMemoryBound(to: Float.self),
                                                 count: 2 * plan.complexCount))
        plan.executeInverse(complex: UnsafeMutableRawPointer(complex), real: real)
        return (spectrum, Array(UnsafeBufferPointer(start: real, count: plan.realCount)))
    }

    /// FFTW's own 3-D r2c and c2r plans of `shape` (ESTIMATE) on `input`.
    static func plainFFTW(_ shape: [Int], _ input: [Float]) -> (spectrum: [Float], back: [Float]) {
        let realCount = shape.reduce(1, *), complexCount = realCount / shape[2] * (shape[2] / 2 + 1)
        let real = fftwf_alloc_real(realCount)!
        let complex = fftwf_alloc_complex(complexCount)!
        defer { fftwf_free(real); fftwf_free(complex) }
        let n = shape.map { Int32($0) }
        // FFTW's planner is not thread-safe: plan under the lock `FFTPlanner` plans under.
        let (forward, inverse) = FFTPlanner.shared.withPlannerLock {
            (fftwf_plan_dft_r2c_3d(n[0], n[1], n[2], real, complex, fovea_fftw_estimate())!,
             fftwf_plan_dft_c2r_3d(n[0], n[1], n[2], complex, real, fovea_fftw_estimate())!)
        }
        real.update(from: input, count: realCount)
        fftwf_execute(forward)
        let spectrum = Array(UnsafeBufferPointer(start: UnsafeRawPointer(complex).assumingMemoryBound(to: Float.self),
                                                 count: 2 * complexCount))
        fftwf_execute(inverse)
        let back = Array(UnsafeBufferPointer(start: real, count: realCount))
        FFTPlanner.shared.withPlannerLock { fftwf_destroy_plan(forward); fftwf_destroy_plan(inverse) }
        return (spectrum, back)
    }

    @Test(arguments: [1, 2, 3])
    func sameBitsForAnyThreadCountAndPlainFFTWWithinRounding(seed: UInt64) {
        var rng = TestRandom(seed: 100 + seed)
        for shape in Self.shapes(seed: seed, count: 3) {
            let plan = FFTPlanner.shared.plan(dimensions: shape)
            let input = (0..<plan.realCount).map { _ in Float(rng.gaussian()) }
            let one = Self.transforms(plan, input, threads: 1)
            for threads in [2, 3, 7] {
                let many = Self.transforms(plan, input, threads: threads)
                #expect(many.spectrum == one.spectrum, "spectrum of \(shape) at \(threads) threads differs from 1 thread")
                #expect(many.back == one.back, "inverse of \(shape) at \(threads) threads differs from 1 thread")
            }
            // Against FFTW's plain 3-D transform: relative to the spectrum's RMS (the input has
            // unit variance, so |F| ~ √(N_z·N_y·N_x)), single-precision rounding of an
            // O(log N)-deep sum.
            let plain = Self.plainFFTW(shape, input)
            let scale = Float(plan.realCount).squareRoot()
            let spectrumError = zip(one.spectrum, plain.spectrum).map { abs($0 - $1) }.max()! / scale
            #expect(spectrumError < 2e-5, "spectrum of \(shape): max |Δ| / RMS = \(spectrumError)")
            let backError = zip(one.back, plain.back).map { abs($0 - $1) }.max()! / Float(plan.realCount)
            #expect(backError < 2e-5, "inverse of \(shape): max |Δ| / count = \(backError)")
            // The round trip gives the input back (× count, FFTW does not normalise).
            let roundTrip = zip(one.back, input).map { abs($0 / Float(plan.realCount) - $1) }.max()!
            #expect(roundTrip < 1e-4, "round trip of \(shape): \(roundTrip)")
        }
    }

    @Test func volumeTransformsAreThreadInvariant() {
        var rng = TestRandom(seed: 7)
        for n in [8, 30, 64, 108] {
            let volume = Volume(size: n, pixelSize: 1.3, voxels: (0..<(n * n * n)).map { _ in Float(rng.gaussian()) })
            let previous = VolumeThreads.count
            defer { VolumeThreads.count = previous }
            VolumeThreads.count = 1
            let spectrum = volume.fourierTransform()
            let back = spectrum.realSpace(pixelSize: 1.3)
            for threads in [2, 3, 7] {
                VolumeThreads.count = threads
                #expect(volume.fourierTransform() == spectrum)
                #expect(spectrum.realSpace(pixelSize: 1.3) == back)
            }
        }
    }
}
