import FoveaCore
import Foundation
import Numerics
import _FoveaTestSupport

// Test-only helpers for the Fourier, projection and reconstruction tests (seeded inputs from
// `_FoveaTestSupport.TestRandom`): test
// volumes, a brute-force real-space projector, a test-local CTF, and a minimal MRC (mode 2) and
// STAR writer/reader for the RELION cross-check. Kept independent of FoveaIO on purpose.

/// Test fixtures and independent reference computations (namespaced to avoid clashes with other
/// test files of this target).
enum FourierFixtures {
    /// Uniformly distributed random Euler angles (degrees).
    static func randomAngles(_ rng: inout TestRandom) -> EulerAngles {
        EulerAngles(phi: Double.random(in: 0..<360, using: &rng),
                    theta: acos(Double.random(in: -1...1, using: &rng)) * 180 / Double.pi,
                    psi: Double.random(in: 0..<360, using: &rng))
    }

    /// A sum of isotropic Gaussian blobs: (centre offset from the box centre in voxels, σ, amplitude).
    static func blobVolume(size n: Int, blobs: [(SIMD3<Double>, Double, Double)]) -> Volume {
        var v = Volume(size: n, pixelSize: 1)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let r = SIMD3(Double(x - n / 2), Double(y - n / 2), Double(z - n / 2))
            var s = 0.0
            for (c, sigma, a) in blobs {
                let d = r - c
                s += a * exp(-(d * d).sum() / (2 * sigma * sigma))
            }
            v[x, y, z] = Float(s)
        } } }
        return v
    }

    /// A few off-centre blobs of different widths (box 32–64).
    static func testBlobs(size n: Int) -> [(SIMD3<Double>, Double, Double)] {
        let s = Double(n) / 32
        return [(SIMD3(4, -3, 2) * s, 2.0 * s, 1.0), (SIMD3(-5, 2, -3) * s, 1.5 * s, 0.8),
                (SIMD3(1, 6, -4) * s, 2.5 * s, 0.6), (SIMD3(-2, -5, 5) * s, 1.2 * s, 1.2)]
    }

    /// Brute-force projection: the mean over N samples along the ray, P(u) = (1/N)·Σ_z V(M·u)
    /// with u = (x − N/2, y − N/2, z − N/2) and trilinear interpolation in real space.
    static func bruteForceProjection(_ v: Volume, _ m: RotationMatrix) -> [Float] {
        let n = v.size, c = Double(n / 2)
        func sample(_ p: SIMD3<Double>) -> Double {
            let f = p.rounded(.down)
            let (x0, y0, z0) = (Int(f.x), Int(f.y), Int(f.z))
            let d = p - f
            var s = 0.0
            for a in 0...1 { for b in 0...1 { for cc in 0...1 {
                let (x, y, z) = (x0 + a, y0 + b, z0 + cc)
                guard x >= 0, y >= 0, z >= 0, x < n, y < n, z < n else { continue }
                let w = (a == 0 ? 1 - d.x : d.x) * (b == 0 ? 1 - d.y : d.y) * (cc == 0 ? 1 - d.z : d.z)
                s += w * Double(v[x, y, z])
            } } }
            return s
        }
        var out = [Float](repeating: 0, count: n * n)
        for y in 0..<n { for x in 0..<n {
            var s = 0.0
            for z in 0..<n {
                let r = m.apply(SIMD3(Double(x) - c, Double(y) - c, Double(z) - c))
                s += sample(r + SIMD3(c, c, c))
            }
            out[x + n * y] = Float(s / Double(n))
        } }
        return out
    }

    /// Exact projection of `FourierFixtures.blobVolume(blobs:)` (continuous Gaussians): the mean along the ray
    /// over N voxels is a 2-D Gaussian of amplitude a·σ·√(2π)/N at (Mᵀ·c)_xy.
    static func analyticBlobProjection(size n: Int, blobs: [(SIMD3<Double>, Double, Double)], _ m: RotationMatrix) -> [Float] {
        var out = [Float](repeating: 0, count: n * n)
        let mt = m.transposed
        for (c, sigma, a) in blobs {
            let p = mt.apply(c)
            let amplitude = a * sigma * (2 * Double.pi).squareRoot() / Double(n)
            for y in 0..<n { for x in 0..<n {
                let dx = Double(x - n / 2) - p.x, dy = Double(y - n / 2) - p.y
                out[x + n * y] += Float(amplitude * exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)))
            } }
        }
        return out
    }

    /// Pearson correlation of two equal-length arrays.
    static func correlation(_ a: [Float], _ b: [Float]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0.0) { $0 + Double($1) } / n, mb = b.reduce(0.0) { $0 + Double($1) } / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in 0..<a.count {
            let (x, y) = (Double(a[i]) - ma, Double(b[i]) - mb)
            sab += x * y; saa += x * x; sbb += y * y
        }
        return sab / (saa * sbb).squareRoot()
    }

    /// Least-squares slope of `a` on `b` through the origin: Σab/Σb².
    static func regressionSlope(_ a: [Float], on b: [Float]) -> Double {
        var ab = 0.0, bb = 0.0
        for i in 0..<a.count { ab += Double(a[i]) * Double(b[i]); bb += Double(b[i]) * Double(b[i]) }
        return ab / bb
    }

    /// Test-local CTF (docs/algorithm.md §1.4) on the half-plane grid ((N/2+1) columns × N rows), no
    /// astigmatism: CTF = −sin(π λ f² Δf − ½π λ³ f⁴ Cs + atan(A/√(1−A²))), lengths in Å.
    static func testCTF(size n: Int, pixelSize p: Double, defocus: Double, voltage: Double = 300_000,
                 cs: Double = 2.7, amplitudeContrast a: Double = 0.07) -> [Float] {
        let lambda = 12.2639 / (voltage + 0.97845e-6 * voltage * voltage).squareRoot()
        let csA = cs * 1e7, w = n / 2 + 1
        var out = [Float](repeating: 0, count: w * n)
        for j in 0..<n {
            let ky = Double(j < n / 2 ? j : j - n)
            for i in 0..<w {
                let f2 = (Double(i * i) + ky * ky) / (Double(n * n) * p * p)
                let chi = Double.pi * lambda * f2 * defocus - 0.5 * Double.pi * lambda * lambda * lambda * f2 * f2 * csA
                    + atan(a / (1 - a * a).squareRoot())
                out[i + w * j] = Float(-sin(chi))
            }
        }
        return out
    }

    /// A unique, fresh temporary folder for one test.
    static func makeTemporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Minimal MRC mode-2 writer (little-endian, 1024-byte header): nx = ny = n, nz = sections.
    static func writeTestMRC(_ values: [Float], size n: Int, sections: Int, pixelSize: Double, to url: URL) throws {
        var header = [UInt8](repeating: 0, count: 1024)
        func putInt(_ v: Int32, _ word: Int) { withUnsafeBytes(of: v.littleEndian) { for k in 0..<4 { header[4 * word + k] = $0[k] } } }
        func putFloat(_ v: Float, _ word: Int) { putInt(Int32(bitPattern: v.bitPattern), word) }
        for (w, v) in [(0, n), (1, n), (2, sections), (3, 2), (7, n), (8, n), (9, sections), (16, 1), (17, 2), (18, 3)] { putInt(Int32(v), w) }
        for w in 10...12 { putFloat(Float(Double(w == 12 ? sections : n) * pixelSize), w) }
        for w in 13...15 { putFloat(90, w) }
        putFloat(values.min() ?? 0, 19); putFloat(values.max() ?? 0, 20)
        putFloat(values.reduce(0, +) / Float(max(values.count, 1)), 21)
        header[208...211] = [0x4D, 0x41, 0x50, 0x20]  // "MAP "
        header[212] = 0x44; header[213] = 0x44
        var data = Data(header)
        values.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: $0.baseAddress, count: $0.count)) }
        try data.write(to: url)
    }

    /// Minimal MRC mode-2 reader: (nx, ny, nz, values).
    static func readTestMRC(_ url: URL) throws -> (Int, Int, Int, [Float]) {
        let data = try Data(contentsOf: url)
        func int(_ word: Int) -> Int { Int(data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * word, as: Int32.self) }) }
        let (nx, ny, nz, mode, extended) = (int(0), int(1), int(2), int(3), int(23))
        guard mode == 2 else { throw CocoaError(.fileReadCorruptFile) }
        let start = 1024 + extended, count = nx * ny * nz
        let values = data.withUnsafeBytes { raw in
            (0..<count).map { raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: Float.self) }
        }
        return (nx, ny, nz, values)
    }

    /// A RELION 3.1 particle STAR file with one optics group and the given angles (degrees).
    static func writeTestAnglesSTAR(_ angles: [EulerAngles], size n: Int, pixelSize: Double, to url: URL) throws {
        var s = "\ndata_optics\n\nloop_\n_rlnOpticsGroup #1\n_rlnOpticsGroupName #2\n_rlnImagePixelSize #3\n"
        s += "_rlnImageSize #4\n_rlnImageDimensionality #5\n_rlnVoltage #6\n_rlnSphericalAberration #7\n"
        s += "_rlnAmplitudeContrast #8\n1 opticsGroup1 \(pixelSize) \(n) 2 300 2.7 0.1\n\n"
        s += "data_particles\n\nloop_\n_rlnImageName #1\n_rlnAngleRot #2\n_rlnAngleTilt #3\n_rlnAnglePsi #4\n_rlnOpticsGroup #5\n"
        for (k, a) in angles.enumerated() { s += "\(k + 1)@dummy.mrcs \(a.phi) \(a.theta) \(a.psi) 1\n" }
        try s.write(to: url, atomically: true, encoding: .utf8)
    }
}

/// A seeded random spectrum and CTF of box `n` (full half plane), and the same values packed in
/// the disc layout of `radius` — the input of the insertion tests.
struct RandomDiscSpectrum {
    var spectrum: HalfComplexImage
    let ctf: [Float]
    let disc: HalfPlaneLayout
    var packed: [Complex<Float>]
    var packedCTF: [Float]

    init(size n: Int, radius: Double, rng: inout TestRandom) {
        spectrum = HalfComplexImage(size: n)
        for i in spectrum.values.indices { spectrum.values[i] = Complex(Float(rng.gaussian()), Float(rng.gaussian())) }
        let ctf = (0..<spectrum.values.count).map { _ in Float(Double.random(in: -1...1, using: &rng)) }
        let disc = HalfPlaneLayout.disc(size: n, radius: radius)
        var packed = [Complex<Float>](repeating: .zero, count: disc.count)
        var packedCTF = [Float](repeating: 0, count: disc.count)
        spectrum.values.withUnsafeBufferPointer { v in packed.withUnsafeMutableBufferPointer { disc.gather(fromFull: v, into: $0) } }
        ctf.withUnsafeBufferPointer { v in packedCTF.withUnsafeMutableBufferPointer { disc.gather(fromFull: v, into: $0) } }
        self.ctf = ctf; self.disc = disc; self.packed = packed; self.packedCTF = packedCTF
    }
}
