import Foundation
import FoveaAnalysis
import FoveaCore
import FoveaUserTools
import Testing

/// `fovea mask`: building, summarising and previewing focus masks.
@Suite struct FocusMaskTests {
    @Test func sphereSummaryGivesBackTheSphereFromBothOrigins() throws {
        let sphere = FocusSphere(centre: SIMD3(40, 30, 52), radius: 9, origin: .corner)  // Å, box 32 at 2 Å
        let mask = try FocusMaskBuilder.sphere(sphere, boxSize: 32, pixelSize: 2)
        let summary = try MaskRegionSummary(mask: mask)
        #expect(simd_distance(summary.centreFromCorner, sphere.centre) < 1e-9)  // symmetric voxel set
        #expect(simd_distance(summary.centreFromMapCentre, sphere.centre - SIMD3(repeating: 32)) < 1e-9)
        #expect(abs(summary.enclosingRadius - 9) <= 2)  // within a pixel (2 Å)
        #expect(summary.sphereSpec(origin: .corner).hasPrefix("40.00,30.00,52.00,"))
        // voxel count vs the analytic volume 4/3·π·(r/p)³ = 381.7 voxels
        #expect(abs(Double(summary.regionVoxels) - 4.0 / 3 * Double.pi * 4.5 * 4.5 * 4.5) < 40)
        #expect(abs(summary.regionVolume - Double(summary.regionVoxels) * 8) < 1e-9)
        // the same sphere from the centre origin gives the same mask
        let centred = FocusSphere(centre: sphere.centre - SIMD3(repeating: 32), radius: 9, origin: .centre)
        #expect(try FocusMaskBuilder.sphere(centred, boxSize: 32, pixelSize: 2) == mask)
    }

    @Test func sphereOutsideTheBoxAndEmptyRegionsAreRefused() throws {
        #expect(throws: FocusMaskError.self) {
            try FocusMaskBuilder.sphere(FocusSphere(centre: SIMD3(58, 32, 32), radius: 8, origin: .corner), boxSize: 32, pixelSize: 2)
        }
        #expect(throws: FocusMaskError.self) {  // a corner-origin spec given as centre-origin
            try FocusMaskBuilder.sphere(FocusSphere(centre: SIMD3(40, 30, 32), radius: 8, origin: .centre), boxSize: 32, pixelSize: 2)
        }
        let map = Volume(size: 16, pixelSize: 1)
        #expect(throws: FocusMaskError.self) { try FocusMaskBuilder.region(of: map, threshold: 0.1) }
        #expect(throws: FocusMaskError.self) { try MaskRegionSummary(mask: map) }
    }

    @Test func mapRegionIsThresholdedDilatedAndSoftened() throws {
        var map = Volume(size: 20, pixelSize: 1.5)
        for z in 8..<11 { for y in 6..<12 { for x in 9..<13 { map[x, y, z] = 2 } } }  // a 4×6×3 box
        let plain = try FocusMaskBuilder.region(of: map, threshold: 1)
        #expect(plain.voxels.filter { $0 == 1 }.count == 72)
        // dilation by 1.5 Å = 1 voxel: brute force over voxel centres
        let dilated = try FocusMaskBuilder.region(of: map, threshold: 1, dilation: 1.5)
        var expected = 0
        for z in 0..<20 { for y in 0..<20 { for x in 0..<20 {
            let dx = max(0, 9 - x, x - 12), dy = max(0, 6 - y, y - 11), dz = max(0, 8 - z, z - 10)
            if dx * dx + dy * dy + dz * dz <= 1 { expected += 1 }
        } } }
        #expect(dilated.voxels.filter { $0 == 1 }.count == expected)
        let soft = try FocusMaskBuilder.region(of: map, threshold: 1, softEdge: 6)
        #expect(soft[14, 8, 9] > 0 && soft[14, 8, 9] < 1)  // 2 voxels = 3 Å out: half way
        #expect(abs(Double(soft[14, 8, 9]) - 0.5) < 1e-6)
        #expect(soft[17, 8, 9] == 0)
        let summary = try MaskRegionSummary(mask: plain)
        #expect(simd_distance(summary.centreFromMapCentre, SIMD3(0.5, -1.5, -1) * 1.5) < 1e-9)
    }

    /// The preview's projected sphere sits where the analytic formula puts it: (Mᵀ·c)_xy + shift/p.
    @Test(arguments: [(30.0, 60.0, -45.0, 3.0, -5.0), (-120.0, 135.0, 10.0, -4.0, 2.0), (0.0, 0.0, 0.0, 0.0, 0.0)])
    func projectedSphereCentreIsAtTheAnalyticPosition(phi: Double, theta: Double, psi: Double, shiftX: Double, shiftY: Double) throws {
        let (box, p) = (40, 2.0)
        let sphere = FocusSphere(centre: SIMD3(52, 34, 22), radius: 8, origin: .corner)
        let mask = try FocusMaskBuilder.sphere(sphere, boxSize: box, pixelSize: p)
        // independent analytic position: M = Rz(φ)Ry(θ)Rz(ψ), point r lands at (Mᵀ·r)_xy
        let r = sphere.centre / p - SIMD3(repeating: Double(box / 2))
        func rz(_ a: Double) -> [[Double]] { let c = cos(a * .pi / 180), s = sin(a * .pi / 180); return [[c, -s, 0], [s, c, 0], [0, 0, 1]] }
        func ry(_ a: Double) -> [[Double]] { let c = cos(a * .pi / 180), s = sin(a * .pi / 180); return [[c, 0, s], [0, 1, 0], [-s, 0, c]] }
        func mul(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
            var product = [[Double]](repeating: [0, 0, 0], count: 3)
            for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { product[i][j] += a[i][k] * b[k][j] } } }
            return product
        }
        let m = mul(mul(rz(phi), ry(theta)), rz(psi))
        let ax: Double = m[0][0] * r.x + m[1][0] * r.y + m[2][0] * r.z
        let ay: Double = m[0][1] * r.x + m[1][1] * r.y + m[2][1] * r.z
        let analytic = SIMD2<Double>(ax + shiftX / p, ay + shiftY / p)
        let view = RotationMatrix(EulerAngles(phi: phi, theta: theta, psi: psi))
        for footprint in [MaskPreview.particleFootprint(mask: mask, view: view, shiftX: shiftX, shiftY: shiftY),
                          MaskPreview.particleFootprint(sphere: sphere, view: view, shiftX: shiftX, shiftY: shiftY, boxSize: box, pixelSize: p)] {
            let centre = centroid(footprint)
            #expect(simd_distance(centre, analytic) < 1, "footprint centre \(centre), analytic \(analytic)")
        }
        // and in the drawn PNG raster: the centroid of the green outline, back in image pixels
        var image = Image2D(size: box, pixelSize: p)
        for i in image.pixels.indices { image.pixels[i] = Float(i % 7) }
        let scale = MaskPreview.scale(forSize: box)
        let raster = MaskPreview.particleOverlay(image: image, footprint: MaskPreview.particleFootprint(mask: mask, view: view, shiftX: shiftX, shiftY: shiftY), scale: scale)
        var sum = SIMD2<Double>.zero, count = 0.0
        for y in 0..<raster.height { for x in 0..<raster.width where raster.pixel(x: x, y: y) == SIMD3(0, 255, 0) {
            sum += SIMD2((Double(x) + 0.5) / Double(scale) - 0.5 - Double(box / 2),
                         Double(box - 1) - ((Double(y) + 0.5) / Double(scale) - 0.5) - Double(box / 2))
            count += 1
        } }
        #expect(count > 0)
        #expect(simd_distance(sum / count, analytic) < 1, "outline centre \(sum / count), analytic \(analytic)")
    }

    func centroid(_ image: Image2D) -> SIMD2<Double> {
        var sum = SIMD2<Double>.zero, count = 0.0
        for y in 0..<image.size { for x in 0..<image.size where image[x, y] > 0 {
            sum += SIMD2(Double(x - image.size / 2), Double(y - image.size / 2)); count += 1
        } }
        return sum / count
    }
}

func simd_distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { ((a - b) * (a - b)).sum().squareRoot() }
func simd_distance(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double { ((a - b) * (a - b)).sum().squareRoot() }
