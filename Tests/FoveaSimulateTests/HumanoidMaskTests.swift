import Foundation
import FoveaCore
import FoveaSimulate
import Testing

@Suite("Humanoid masks")
struct HumanoidMaskTests {
    let geometry = HumanoidGeometry()

    func mask(_ region: HumanoidRegion) -> Volume { geometry.binaryMask(region, on: coarseGrid) }

    /// Fraction of `part`'s density that lies inside `mask`.
    func fractionInside(_ part: Volume, _ mask: Volume) -> Double {
        var inside = 0.0, total = 0.0
        for (value, m) in zip(part.voxels, mask.voxels) {
            total += Double(value)
            if m > 0.5 { inside += Double(value) }
        }
        return inside / total
    }

    @Test("each arm conformation's hand and arm lie inside the focus mask and outside the leg mask; side B's do not")
    func focusAndLeg() {
        let focus = mask(.armHandFocus), leg = mask(.leg)
        for conformation in ArmConformation.allCases {
            for part in [coarseMaps[.hand(.a, conformation)], coarseMaps[.arm(.a, conformation)]] {
                for index in indices(part, atLeast: 0.05) {
                    #expect(focus.voxels[index] == 1)
                    #expect(leg.voxels[index] == 0)
                }
            }
            #expect(fractionInside(coarseMaps[.hand(.b, conformation)], focus) == 0)
        }
        #expect(fractionInside(coarseMaps[.foot(.a)], leg) < 0.1)
        #expect(leg.voxels.reduce(0, +) > 50)
    }

    @Test("near and far foot masks hold the right feet; the near-hand mask holds side A's hand in both positions")
    func regionsOfInterest() {
        let near = mask(.nearFoot), far = mask(.farFoot), hand = mask(.nearHand)
        #expect(fractionInside(coarseMaps[.foot(.a)], near) > 0.75)
        #expect(fractionInside(coarseMaps[.foot(.b)], near) == 0)
        #expect(fractionInside(coarseMaps[.foot(.b)], far) > 0.75)
        #expect(fractionInside(coarseMaps[.foot(.a)], far) == 0)
        for conformation in ArmConformation.allCases {
            #expect(fractionInside(coarseMaps[.hand(.a, conformation)], hand) > 0.7)
            #expect(fractionInside(coarseMaps[.hand(.b, conformation)], hand) == 0)
            #expect(fractionInside(coarseMaps[.foot(.a)], hand) == 0)
        }
        let lowered = mask(.nearHandLowered), raised = mask(.nearHandRaised)
        for index in hand.voxels.indices {
            #expect(hand.voxels[index] == max(lowered.voxels[index], raised.voxels[index]))
        }
    }

    @Test("cosine soft edge matches a brute-force distance computation")
    func cosineEdgeBruteForce() {
        var binary = Volume(size: 12, pixelSize: 1)
        var random = SplitMix64(seed: 7)
        for _ in 0..<6 { binary.voxels[random.nextBits(20) % binary.voxels.count] = 1 }
        for index in 0..<3 { binary[5 + index, 6, 6] = 1 }
        let width = 2.5
        let soft = RegionSoftEdge.soften(binary, edgePixels: width)
        let inside = indices(binary, atLeast: 0.5).map { ($0 % 12, ($0 / 12) % 12, $0 / 144) }
        for k in 0..<12 {
            for j in 0..<12 {
                for i in 0..<12 {
                    let d = inside.map { p -> Double in
                        let (dx, dy, dz) = (Double(p.0 - i), Double(p.1 - j), Double(p.2 - k))
                        return (dx * dx + dy * dy + dz * dz).squareRoot()
                    }.min()!
                    let expected = d == 0 ? 1 : (d < width ? 0.5 * (1 + cos(Double.pi * d / width)) : 0)
                    #expect(abs(Double(soft[i, j, k]) - expected) < 1e-6)
                }
            }
        }
    }

    @Test("the focus sphere holds all of side A's arm and hand voxels and is near-minimal")
    func focusSphere() {
        let sphere = geometry.armHandSphere(on: coarseGrid)
        let solid = ArmConformation.allCases.flatMap { [geometry.arm(.a, $0), geometry.hand(.a, $0)] }
        var points: [SIMD3<Double>] = []
        let n = coarseGrid.size
        for k in 0..<n {
            for j in 0..<n {
                for i in 0..<n {
                    let p = coarseGrid.position(i, j, k)
                    if geometry.unionDistance(solid, at: p) <= 0 { points.append(p) }
                }
            }
        }
        func radius(_ c: SIMD3<Double>) -> Double { points.map { (($0 - c) * ($0 - c)).sum().squareRoot() }.max()! }
        let centre = SIMD3(sphere.x, sphere.y, sphere.z)
        #expect(sphere.origin == .centre)
        #expect(radius(centre) <= sphere.radius + 1e-9)
        var best = Double.infinity
        for dz in -6...6 {
            for dy in -6...6 {
                for dx in -6...6 {
                    best = min(best, radius(centre + SIMD3(Double(dx), Double(dy), Double(dz))))
                }
            }
        }
        #expect(sphere.radius <= best + 0.7, "sphere \(sphere.radius) Å, grid search \(best) Å")
        let offset = Double(n / 2) * coarseGrid.pixelSize
        let fromCorner = sphere.measured(from: .corner, pixelSize: coarseGrid.pixelSize, boxSize: n)
        #expect(abs(fromCorner.x - (centre.x + offset)) < 1e-9 && abs(fromCorner.z - (centre.z + offset)) < 1e-9)
        #expect(fromCorner.measured(from: .centre, pixelSize: coarseGrid.pixelSize, boxSize: n).x - centre.x < 1e-9)
        #expect(centre.x > 40)
        let written = FocusSphere(centreFromMapCentreInÅ: SIMD3(1.25, -0.04, -2.46), radius: 60)
        #expect(written.optionText == "1.3,0.0,-2.5,60.0")
        #expect(written.measured(from: .corner, pixelSize: coarseGrid.pixelSize, boxSize: n).optionText
                == "210.9,209.6,207.1,60.0")
        let standard = geometry.armHandSphere(on: HumanoidGrid())
        #expect(standard.radius > 55 && standard.radius < 70, "default sphere radius \(standard.radius) Å")
    }
}
