import Foundation
import FoveaCore
import Testing

@Suite struct CosineEdgeAndSphereTests {
    @Test func cosineEdgeValuesAtChosenDistances() {
        let edge = CosineEdge(radius: 10, width: 4)  // flat to 8, zero from 12
        #expect(edge.weight(at: 0) == 1 && edge.weight(at: 8) == 1)
        #expect(abs(edge.weight(at: 10) - 0.5) < 1e-15)
        #expect(abs(edge.weight(at: 9) - 0.5 * (1 + cos(Double.pi / 4))) < 1e-15)
        #expect(abs(edge.weight(at: 11.5) - 0.5 * (1 + cos(Double.pi * 3.5 / 4))) < 1e-15)
        #expect(edge.weight(at: 12) == 0 && edge.weight(at: 30) == 0)
        let hard = CosineEdge(radius: 5, width: 0)
        #expect(hard.weight(at: 5) == 1 && hard.weight(at: 5.0001) == 0)
    }

    @Test func softSphereVolumeMatchesFormula() {
        // Centre given from the corner: 20 Å on a 1.25 Å grid of 32 → voxel 16 + (−2, 3, 1).
        let sphere = FocusSphere(centre: SIMD3(17.5, 23.75, 21.25), radius: 8, origin: .corner)
        #expect(sphere.centreFromMapCentre(pixelSize: 1.25, boxSize: 32) == SIMD3(-2, 3, 1))
        let sameFromCentre = FocusSphere(centre: SIMD3(-2.5, 3.75, 1.25), radius: 8, origin: .centre)
        #expect(sameFromCentre.centreFromMapCentre(pixelSize: 1.25, boxSize: 32) == SIMD3(-2, 3, 1))
        let map = sphere.volume(size: 32, pixelSize: 1.25, edgeWidth: 5)  // R = 6.4 px, w = 4 px
        var worst = 0.0
        for z in 0..<32 { for y in 0..<32 { for x in 0..<32 {
            let d = ((Double(x - 14) * Double(x - 14)) + Double(y - 19) * Double(y - 19) + Double(z - 17) * Double(z - 17)).squareRoot()
            let expected: Double = d <= 4.4 ? 1 : (d >= 8.4 ? 0 : 0.5 * (1 + cos(Double.pi * (d - 4.4) / 4)))
            worst = max(worst, abs(Double(map[x, y, z]) - expected))
        } } }
        #expect(worst < 1e-6)
    }

    @Test func edgeAverageFillAndImageMask() {
        // A constant map stays constant under an edge-average fill; a forced value replaces the outside.
        var flat = Volume(size: 16, pixelSize: 1, voxels: [Float](repeating: 3, count: 16 * 16 * 16))
        flat.applySphericalMask(CosineEdge(radius: 5, width: 3), fill: .edgeAverage)
        #expect(flat.voxels.allSatisfy { abs($0 - 3) < 1e-6 })
        var image = Image2D(size: 16, pixelSize: 1, pixels: [Float](repeating: 2, count: 256))
        image.applyCircularMask(CosineEdge(radius: 4, width: 2), centre: SIMD2(1, -1), fill: .value(0.5))
        #expect(image[9, 7] == 2)             // centre
        #expect(image[0, 0] == 0.5)           // far outside
        #expect(abs(image[13, 7] - 1.25) < 1e-6)  // d = 4 = R: ½·2 + ½·0.5
    }

    /// The projected disc equals the disc computed here from Mᵀ = M(−ψ, −θ, −φ) written out, and it
    /// agrees with the footprint of the voxelised sphere to within the voxel size.
    @Test func projectedSphereIsTheAnalyticDisc() {
        var random = SeededRandom(seed: 5)
        let (n, p) = (32, 1.5)
        let sphere = FocusSphere(centre: SIMD3(30, 21, 27), radius: 7.5, origin: .corner)
        let sphereMap = sphere.volume(size: n, pixelSize: p)
        for _ in 0..<12 {
            let angles = EulerAngles.uniformRandom(using: &random)
            let view = RotationMatrix(angles)
            let disc = sphere.projected(along: view, boxSize: n, pixelSize: p)
            let inverse = RotationMatrix(EulerAngles(phi: -angles.psi, theta: -angles.theta, psi: -angles.phi))
            let c = SIMD3(30 / p - 16, 21 / p - 16, 27 / p - 16)
            let u = (inverse[0, 0] * c.x + inverse[0, 1] * c.y + inverse[0, 2] * c.z,
                     inverse[1, 0] * c.x + inverse[1, 1] * c.y + inverse[1, 2] * c.z)
            #expect(abs(disc.centre.x - u.0) < 1e-12 && abs(disc.centre.y - u.1) < 1e-12)
            #expect(disc.radius == 5)
            let hard = disc.mask(imageSize: n, pixelSize: p)
            let footprint = sphereMap.projectedFootprint(along: view, threshold: 0.5)
            for y in 0..<n { for x in 0..<n {
                let d = ((Double(x - 16) - u.0) * (Double(x - 16) - u.0) + (Double(y - 16) - u.1) * (Double(y - 16) - u.1)).squareRoot()
                #expect(hard[x, y] == (d <= 5 ? 1 : 0))
                if d <= 5 - 0.9 { #expect(footprint[x, y] == 1) }       // inside the disc: covered
                if d > 5 + 0.9 { #expect(footprint[x, y] == 0) }        // the voxel cubes reach ≤ √3/2 further
            } }
        }
    }
}

@Suite struct MaskFootprintTests {
    /// Footprint of an irregular mask equals a brute-force projection: rays through every pixel
    /// centre sampled every 0.005 px, nearest-voxel lookup.
    @Test func footprintMatchesDenseRaySampling() {
        let n = 20
        var mask = Volume(size: n, pixelSize: 2)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let (a, b, c) = (Double(x - 10), Double(y - 10), Double(z - 10))
            let blob1 = (a - 3) * (a - 3) / 16 + (b + 1) * (b + 1) / 4 + c * c / 9 <= 1
            let blob2 = (a + 4) * (a + 4) + (b - 4) * (b - 4) + (c - 3) * (c - 3) <= 6
            let rod = abs(a + b) <= 0.8 && abs(c + 5) <= 1.5 && abs(a) <= 5
            if blob1 || blob2 || rod { mask[x, y, z] = 1 }
        } } }
        var random = SeededRandom(seed: 99)
        var views = [RotationMatrix.identity, RotationMatrix(EulerAngles(phi: 0, theta: 90, psi: 0)),
                     RotationMatrix(EulerAngles(phi: 45, theta: 45, psi: 45))]
        for _ in 0..<5 { views.append(.uniformRandom(using: &random)) }
        var totalIn = 0
        for view in views {
            let footprint = mask.projectedFootprint(along: view)
            var mismatches = 0
            for py in 0..<n { for px in 0..<n {
                var hit = false
                var t = -Double(n)
                while t <= Double(n) && !hit {
                    let r = view.apply(SIMD3(Double(px - n / 2), Double(py - n / 2), t))
                    let (ix, iy, iz) = (Int((r.x + 10.5).rounded(.down)), Int((r.y + 10.5).rounded(.down)),
                                        Int((r.z + 10.5).rounded(.down)))
                    if ix >= 0 && iy >= 0 && iz >= 0 && ix < n && iy < n && iz < n && mask[ix, iy, iz] > 0 { hit = true }
                    t += 0.005
                }
                if (footprint[px, py] == 1) != hit { mismatches += 1 }
                if hit { totalIn += 1 }
            } }
            #expect(mismatches == 0, "view \(view.m): \(mismatches) pixels differ")
        }
        #expect(totalIn > 100)
    }
}

@Suite struct ReferenceMaskingTests {
    /// A small irregular mask and a random map on a 16³ box, 2 Å pixels.
    static func fixtures() -> (map: Volume, mask: Volume) {
        var random = SeededRandom(seed: 3)
        let n = 16
        var map = Volume(size: n, pixelSize: 2), mask = Volume(size: n, pixelSize: 2)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            map[x, y, z] = Float(random.gaussian()) + 0.3
            let (a, b, c) = (Double(x - 7), Double(y - 9), Double(z - 8))
            if a * a / 9 + b * b / 4 + c * c / 6 <= 1 || (x == 3 && y > 4 && y < 9 && z == 8) { mask[x, y, z] = 0.7 }
        } } }
        return (map, mask)
    }

    /// Brute-force m: every voxel convolved with the kernel computed from its formula.
    static func bruteForceSoftMask(_ mask: Volume, edgePixels e: Double) -> [Double] {
        let n = mask.size, reach = Int(e)
        var total = 0.0
        for dz in -reach...reach { for dy in -reach...reach { for dx in -reach...reach {
            let d = Double(dx * dx + dy * dy + dz * dz).squareRoot()
            if d <= e { total += 0.5 * (1 + cos(Double.pi * d / e)) }
        } } }
        var out = [Double](repeating: 0, count: n * n * n)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            var sum = 0.0
            for dz in -reach...reach { for dy in -reach...reach { for dx in -reach...reach {
                let (xx, yy, zz) = (x + dx, y + dy, z + dz)
                guard xx >= 0, yy >= 0, zz >= 0, xx < n, yy < n, zz < n, mask[xx, yy, zz] > 0 else { continue }
                let d = Double(dx * dx + dy * dy + dz * dz).squareRoot()
                if d <= e { sum += 0.5 * (1 + cos(Double.pi * d / e)) }
            } } }
            let value = sum / total
            out[x + n * (y + n * z)] = value < 0.001 ? 0 : value
        } } }
        return out
    }

    static func backgroundByHand(_ map: Volume) -> Double {
        var (sum, count) = (0.0, 0)
        for z in 0..<16 { for y in 0..<16 { for x in 0..<16 where
            Double((x - 8) * (x - 8) + (y - 8) * (y - 8) + (z - 8) * (z - 8)) > 6.4 * 6.4 {
            sum += Double(map[x, y, z]); count += 1
        } } }
        return sum / Double(count)
    }

    @Test func softMaskEqualsBruteForceConvolution() {
        let (_, mask) = Self.fixtures()
        let soft = ReferenceMasking.softMask(mask, edgeWidth: 7)  // e = 3.5 px
        let expected = Self.bruteForceSoftMask(mask, edgePixels: 3.5)
        var worst = 0.0
        for i in 0..<expected.count { worst = max(worst, abs(Double(soft.voxels[i]) - expected[i])) }
        #expect(worst < 1e-6)
        #expect(soft[15, 0, 0] == 0)
        #expect(soft.voxels.contains { $0 > 0.3 && $0 < 0.7 })
    }

    @Test func outsideBecomesBackgroundByDefault() {
        let (map, mask) = Self.fixtures()
        let m = Self.bruteForceSoftMask(mask, edgePixels: 5)
        let bg = Self.backgroundByHand(map)
        #expect(abs(ReferenceMasking.backgroundMean(map) - bg) < 1e-9)
        let result = ReferenceMasking.apply(to: map, mask: mask, settings: ReferenceMaskSettings(edge: 10))
        var worst = 0.0
        for i in 0..<map.voxels.count {
            worst = max(worst, abs(Double(result.voxels[i]) - (m[i] * Double(map.voxels[i]) + (1 - m[i]) * bg)))
        }
        #expect(worst < 1e-5)
    }

    @Test func outsideWeightWithLowPassUsesTheSuppliedFilter() {
        let (map, mask) = Self.fixtures()
        let settings = ReferenceMaskSettings(edge: 6, outsideWeight: 0.4, outsideLowPass: 20)
        nonisolated(unsafe) var seen: (Double, Double)?
        // Stand-in filter: records its parameters and halves the map.
        let result = ReferenceMasking.apply(to: map, mask: mask, settings: settings) { volume, radius, width in
            seen = (radius, width)
            return Volume(size: volume.size, pixelSize: volume.pixelSize, voxels: volume.voxels.map { $0 / 2 })
        }
        #expect(seen?.0 == 0.1 && seen?.1 == 0.05)  // p/d_m and p/40 in 1/pixel
        let m = Self.bruteForceSoftMask(mask, edgePixels: 3)
        let m2 = Self.bruteForceSoftMask(Volume(size: 16, pixelSize: 2, voxels: m.map { $0 > 0.1 ? 1 : 0 }), edgePixels: 3)
        let bg = Self.backgroundByHand(map)
        var worst = 0.0
        for i in 0..<map.voxels.count {
            let v = Double(map.voxels[i])
            let outside = (m2[i] * bg + (1 - m2[i]) * v) / 2
            worst = max(worst, abs(Double(result.voxels[i]) - (m[i] * v + 0.4 * (1 - m[i]) * outside)))
        }
        #expect(worst < 1e-5)
    }

    /// A hard mask (edge 0) with an outside weight keeps the outside density at that weight; it was
    /// silently dropped (flat background), so `--mask-edge 0` undid `--mask-outside-weight`.
    @Test(arguments: [0.25, 0.5, 1.0])
    func hardEdgeKeepsTheOutsideWeight(weight: Double) {
        let (map, mask) = Self.fixtures()
        let result = ReferenceMasking.apply(to: map, mask: mask, settings: ReferenceMaskSettings(edge: 0, outsideWeight: weight))
        var worst = 0.0
        var outsideVoxels = 0
        for i in 0..<map.voxels.count {
            let v = Double(map.voxels[i])
            let expected = mask.voxels[i] > 0 ? v : weight * v
            if mask.voxels[i] == 0 && v != 0 { outsideVoxels += 1 }
            worst = max(worst, abs(Double(result.voxels[i]) - expected))
        }
        #expect(outsideVoxels > 0)
        #expect(worst < 1e-6)
    }
}
