import Testing
import FoveaCore
import Foundation
import Numerics
import _FoveaTestSupport

@Suite struct FourierTransformTests {
    @Test func roundTripAndNormalisation() {
        var rng = TestRandom(seed: 1)
        let n = 24
        let image = Image2D(size: n, pixelSize: 1.5, pixels: (0..<(n * n)).map { _ in Float(rng.gaussian()) + 3 })
        let spectrum = image.fourierTransform()
        // Forward ÷ N²: F(0) is the mean pixel value.
        let mean = image.pixels.reduce(0, +) / Float(n * n)
        #expect(abs(spectrum[kx: 0, ky: 0].real - mean) < 1e-5)
        #expect(abs(spectrum[kx: 0, ky: 0].imaginary) < 1e-6)
        // Parseval with this normalisation: Σ|x|² = N²·Σ_full |F|².
        var power = 0.0
        for j in 0..<n { for i in 0...(n / 2) {
            let v = spectrum.values[i + (n / 2 + 1) * j]
            power += (i == 0 || i == n / 2 ? 1 : 2) * Double(v.real * v.real + v.imaginary * v.imaginary)
        } }
        let realPower = image.pixels.reduce(0.0) { $0 + Double($1 * $1) }
        #expect(abs(power * Double(n * n) / realPower - 1) < 1e-4)
        // Inverse unscaled: exact round trip.
        let back = spectrum.realSpace(pixelSize: 1.5)
        for i in 0..<(n * n) { #expect(abs(back.pixels[i] - image.pixels[i]) < 1e-4) }
    }

    @Test func centringPutsPhaseOriginAtCentrePixel() {
        // A delta at the centre pixel (N/2, N/2) has a flat, real spectrum 1/N².
        let n = 16
        var image = Image2D(size: n, pixelSize: 1)
        image[n / 2, n / 2] = 1
        let s = image.fourierTransform()
        for v in s.values {
            #expect(abs(v.real - 1 / Float(n * n)) < 1e-7 && abs(v.imaginary) < 1e-7)
        }
    }

    @Test func volumeTransformIsFriedelSymmetricOnXZeroPlane() {
        var rng = TestRandom(seed: 2)
        let n = 16
        let v = Volume(size: n, pixelSize: 1, voxels: (0..<(n * n * n)).map { _ in Float(rng.gaussian()) })
        let t = v.fourierTransform()
        for kz in -(n / 2 - 1)..<(n / 2) { for ky in -(n / 2 - 1)..<(n / 2) {
            let a = t[kx: 0, ky: ky, kz: kz], b = t[kx: 0, ky: -ky, kz: -kz]
            #expect(abs(a.real - b.real) < 1e-6 && abs(a.imaginary + b.imaginary) < 1e-6)
        } }
        let back = t.realSpace()
        for i in stride(from: 0, to: n * n * n, by: 7) { #expect(abs(back.voxels[i] - v.voxels[i]) < 1e-4) }
    }

    @Test func phaseShiftMovesContentByPlusShift() {
        // A Gaussian at the centre, shifted by (+3.5, −2.25) pixels, equals the Gaussian drawn there.
        let n = 32, sigma = 2.0
        func gaussian(at c: (Double, Double)) -> Image2D {
            var im = Image2D(size: n, pixelSize: 1)
            for y in 0..<n { for x in 0..<n {
                let dx = Double(x - n / 2) - c.0, dy = Double(y - n / 2) - c.1
                im[x, y] = Float(exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)))
            } }
            return im
        }
        var s = gaussian(at: (0, 0)).fourierTransform()
        s.applyPhaseShift(x: 3.5, y: -2.25)
        let moved = s.realSpace(), expected = gaussian(at: (3.5, -2.25))
        let maxError = zip(moved.pixels, expected.pixels).map { abs($0 - $1) }.max()!
        #expect(maxError < 1e-3)
    }

    @Test func croppingThenPaddingKeepsTheLowBand() {
        var rng = TestRandom(seed: 3)
        let n = 32
        let image = Image2D(size: n, pixelSize: 1, pixels: (0..<(n * n)).map { _ in Float(rng.gaussian()) })
        let s = image.fourierTransform()
        let cropped = s.resized(to: 16)
        // A constant keeps its value at both sizes (no rescaling with ÷N² normalisation).
        #expect(cropped[kx: 0, ky: 0] == s[kx: 0, ky: 0])
        #expect(cropped[kx: 5, ky: -7] == s[kx: 5, ky: -7])
        let back = cropped.resized(to: n)
        #expect(back[kx: 8, ky: -8] == s[kx: 8, ky: -8])
        #expect(back[kx: 9, ky: 0] == .zero && back[kx: 3, ky: 8] == .zero)
        var constant = Image2D(size: n, pixelSize: 1, pixels: [Float](repeating: 2.5, count: n * n))
        constant = constant.fourierTransform().resized(to: 16).realSpace()
        #expect(constant.pixels.allSatisfy { abs($0 - 2.5) < 1e-5 })
    }

    @Test func concurrentTransformsMatchSerialAndWisdomRoundTrips() {
        let n = 40
        var rng = TestRandom(seed: 4)
        let images = (0..<16).map { _ in (0..<(n * n)).map { _ in Float(rng.gaussian()) } }
        let serial = images.map { Image2D(size: n, pixelSize: 1, pixels: $0).fourierTransform() }
        let plan = FFTPlanner.shared.plan2D(size: n)
        let results = UnsafeMutableBufferPointer<Complex<Float>>.allocate(capacity: 16 * plan.complexCount)
        defer { results.deallocate() }
        nonisolated(unsafe) let out = results
        DispatchQueue.concurrentPerform(iterations: 16) { k in
            let workspace = FFTWorkspace(plan: plan)
            images[k].withUnsafeBufferPointer { input in
                workspace.forward(input, into: UnsafeMutableBufferPointer(rebasing: out[(k * plan.complexCount)..<((k + 1) * plan.complexCount)]))
            }
        }
        for k in 0..<16 { for i in 0..<plan.complexCount { #expect(out[k * plan.complexCount + i] == serial[k].values[i]) } }
        let wisdom = FFTPlanner.shared.exportWisdom()
        #expect(wisdom.contains("fftw"))
        #expect(FFTPlanner.shared.importWisdom(wisdom))
        #expect(!FFTPlanner.shared.importWisdom("not wisdom"))
    }

    @Test func filterProfiles() {
        #expect(FourierFilter.cosineLowPass(frequency: 0.1, radius: 0.25, edgeWidth: 0.1) == 1)
        #expect(abs(FourierFilter.cosineLowPass(frequency: 0.25, radius: 0.25, edgeWidth: 0.1) - 0.5) < 1e-12)
        #expect(FourierFilter.cosineLowPass(frequency: 0.3, radius: 0.25, edgeWidth: 0.1) == 0)
        #expect(abs(FourierFilter.cosineHighPass(frequency: 0.225, radius: 0.25, edgeWidth: 0.1) - 0.5 * (1 - cos(Double.pi / 4))) < 1e-12)
        // B = 100 Å² at 10 Å resolution (p = 2 Å, f = 0.2): exp(−100·0.01/4).
        #expect(abs(FourierFilter.bFactor(frequency: 0.2, bFactor: 100, pixelSize: 2) - exp(-0.25)) < 1e-12)
        var s = HalfComplexImage(size: 16, values: [Complex<Float>](repeating: Complex(1, 1), count: 9 * 16))
        s.applyCosineLowPass(radius: 0.25, edgeWidth: 0)
        #expect(s[kx: 4, ky: 0] == Complex(1, 1) && s[kx: 3, ky: -3] == .zero)
    }
}
