import Foundation
import FoveaCore
import Testing

/// End-to-end check of the frame conventions in docs/conventions.md against relion_project: a
/// Gaussian blob at r (pixels from the map centre) projected with RELION's (rot, tilt, psi) = our
/// (φ, θ, ψ) and origin (ox, oy) lands at (Mᵀ·r)_xy − (ox, oy) pixels from the image centre
/// (pixel N/2), i.e. cisTEM's shift shx = −rlnOriginX·p.
@Suite struct RelionConventionTests {
    @Test func projectedBlobLandsAtTransposedPosition() throws {
        let folder = try GeometryRelion.temporaryFolder("frames")
        defer { try? FileManager.default.removeItem(at: folder) }
        let n = 32
        let blob = SIMD3<Double>(5, -3, 2)
        var map = [Float](repeating: 0, count: n * n * n)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let d = SIMD3(Double(x - n / 2), Double(y - n / 2), Double(z - n / 2)) - blob
            map[x + n * (y + n * z)] = Float(exp(-(d * d).sum() / (2 * 1.2 * 1.2)))
        } } }
        try GeometryMRC.write(map, nx: n, ny: n, nz: n, pixelSize: 1, to: folder.appendingPathComponent("blob.mrc"))
        var random = SeededRandom(seed: 21)
        var views: [(EulerAngles, Double, Double)] = [(EulerAngles(phi: 0, theta: 0, psi: 0), 0, 0),
                                                      (EulerAngles(phi: 0, theta: 0, psi: 0), 3, -2)]
        for _ in 0..<6 {
            views.append((EulerAngles.uniformRandom(using: &random), random.uniform(in: -3..<3).rounded(),
                          random.uniform(in: -3..<3).rounded()))
        }
        // RELION 3.1 converts this 3.0-style table; it insists on image names and optics values.
        var star = "\ndata_\n\nloop_\n_rlnAngleRot #1\n_rlnAngleTilt #2\n_rlnAnglePsi #3\n_rlnOriginX #4\n_rlnOriginY #5\n"
            + "_rlnImageName #6\n_rlnMagnification #7\n_rlnDetectorPixelSize #8\n_rlnVoltage #9\n"
            + "_rlnSphericalAberration #10\n_rlnAmplitudeContrast #11\n_rlnDefocusU #12\n_rlnDefocusV #13\n_rlnDefocusAngle #14\n"
        for (i, (a, ox, oy)) in views.enumerated() {
            star += "\(a.phi) \(a.theta) \(a.psi) \(ox) \(oy) \(i + 1)@x.mrcs 10000 1 300 2.7 0.1 10000 10000 0\n"
        }
        try star.write(to: folder.appendingPathComponent("views.star"), atomically: true, encoding: .utf8)
        try GeometryRelion.run("relion_project", ["--i", "blob.mrc", "--o", "proj", "--ang", "views.star", "--angpix", "1"],
                               in: folder)
        let images = try GeometryMRC.read(folder.appendingPathComponent("proj.mrcs"))
        #expect(images.nz == views.count)
        for (s, (angles, ox, oy)) in views.enumerated() {
            let expected = RotationMatrix(angles).applyTransposed(blob)
            // Centroid within 3 pixels of the brightest pixel.
            let image = Array(images.values[(s * n * n)..<((s + 1) * n * n)])
            let peak = image.indices.max { image[$0] < image[$1] }!
            let (px, py) = (peak % n, peak / n)
            var (sx, sy, total) = (0.0, 0.0, 0.0)
            for y in max(0, py - 3)...min(n - 1, py + 3) { for x in max(0, px - 3)...min(n - 1, px + 3) {
                let v = max(Double(image[x + n * y]), 0)
                sx += v * Double(x - n / 2); sy += v * Double(y - n / 2); total += v
            } }
            let (cx, cy) = (sx / total, sy / total)
            #expect(abs(cx - (expected.x - ox)) < 0.1 && abs(cy - (expected.y - oy)) < 0.1,
                    "view \(s): centroid (\(cx), \(cy)), expected (\(expected.x - ox), \(expected.y - oy))")
        }
    }
}
