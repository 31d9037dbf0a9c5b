import FoveaCore
import FoveaSimulate
import Testing

@Suite("Humanoid geometry")
struct HumanoidGeometryTests {
    @Test("the core is exactly two-fold symmetric about z, voxel by voxel (even and odd boxes)")
    func coreSymmetry() {
        for grid in [coarseGrid, HumanoidGrid(size: 41, pixelSize: 10.48), HumanoidGrid(size: 80, pixelSize: 5.24)] {
            let core = HumanoidGeometry().render(.core, on: grid)
            #expect(core.voxels.contains { $0 > 0.99 })
            #expect(c2Mismatches(core, core) == 0, "box \(grid.size)")
        }
    }

    @Test("side B's arm, hand and foot maps are C2 images of side A's, and every state's map is the C2 image of its swapped state")
    func pseudoSymmetry() {
        for component in HumanoidComponent.all where component != .core {
            #expect(c2Mismatches(coarseMaps[component], coarseMaps[component.c2Image]) == 0, "\(component)")
        }
        for state in HumanoidScenario.randomHands.maps {
            #expect(c2Mismatches(coarseMaps.map(of: state), coarseMaps.map(of: state.c2Image)) == 0, "\(state)")
        }
    }

    @Test("the raised arm leans toward +y, so side B is a rotated, not a mirrored, copy of side A")
    func rotationNotMirror() {
        let armA = coarseMaps[.arm(.a, .raised)], armB = coarseMaps[.arm(.b, .raised)]
        let n = coarseGrid.size, c = n / 2
        var mirrorMismatches = 0
        for k in 0..<n {
            for j in 0..<n {
                for i in 1..<n where armA[i, j, k] != armB[2 * c - i, j, k] { mirrorMismatches += 1 }
            }
        }
        #expect(mirrorMismatches > 10)
    }

    @Test("overlapping components never add: every state map is the voxel-wise maximum of its parts, within [0, 1]")
    func unionIsMaximum() {
        let state = HumanoidScenario.handsWithFeet.maps[6]
        let map = coarseMaps.map(of: state)
        let parts = state.components.map { coarseMaps[$0] }
        for index in map.voxels.indices {
            let expected = parts.map { $0.voxels[index] }.max()!
            #expect(map.voxels[index] == expected)
        }
        #expect(map.voxels.max()! <= 1 && map.voxels.min()! >= 0)
        #expect(state.components.count == 5)   // C7: core, 2 arms, side A hand and foot
    }

    @Test("default size: height 60–70 % of the box, hands and feet a few hundred voxels each")
    func dimensions() {
        let grid = HumanoidGrid()
        let geometry = HumanoidGeometry()
        let full = HumanoidComponentMaps(geometry: geometry, grid: grid)
        let everything = full.map(of: HumanoidScenario.armsMove.maps[0])
        let occupiedZ = indices(everything, atLeast: 0.5).map { $0 / (grid.size * grid.size) }
        let heightFraction = Double(occupiedZ.max()! - occupiedZ.min()! + 1) / Double(grid.size)
        #expect(heightFraction >= 0.6 && heightFraction <= 0.7, "height fraction \(heightFraction)")
        for component in [HumanoidComponent.hand(.a, .lowered), .hand(.b, .raised), .foot(.a)] {
            let mass = full[component].voxels.reduce(0, +)
            #expect(mass >= 100 && mass <= 400, "\(component): \(mass) voxels")
        }
    }

    @Test("ellipsoid signed distance is exact on the axes and on the surface")
    func ellipsoidDistance() {
        let e = SoftPrimitive.ellipsoid(center: SIMD3(1, 2, 3), semiAxes: SIMD3(20, 10, 5))
        #expect(abs(e.signedDistance(SIMD3(1 + 30, 2, 3)) - 10) < 1e-9)
        #expect(abs(e.signedDistance(SIMD3(1, 2, 3 - 7)) - 2) < 1e-9)
        let surface = SIMD3<Double>(1 + 20 * 0.6, 2 + 10 * 0.8, 3)
        #expect(abs(e.signedDistance(surface)) < 1e-9)
        let capsule = SoftPrimitive.capsule(start: .zero, end: SIMD3(0, 0, 10), radius: 2)
        #expect(abs(capsule.signedDistance(SIMD3(5, 0, 4)) - 3) < 1e-12)
        #expect(abs(capsule.signedDistance(SIMD3(0, 0, 15)) - 3) < 1e-12)
        #expect(abs(SoftPrimitive.density(signedDistance: 0, edgeSigma: 5) - 0.5) < 1e-12)
    }
}

@Suite("Humanoid sampling")
struct HumanoidSamplingTests {
    /// With a hard edge (σ = 0) the same masses spread by 5–15 %; the soft edge keeps them within 0.5 %.
    @Test("the soft-edged maps are well sampled: a part's mass in Å³ hardly depends on the pixel size")
    func massIndependentOfPixelSize() {
        let geometry = HumanoidGeometry()
        for component in [HumanoidComponent.hand(.a, .raised), .foot(.b), .arm(.a, .lowered)] {
            let masses = [(80, 5.24), (96, 4.37), (140, 3.0)].map { size, pixel -> Double in
                let map = geometry.render(component, on: HumanoidGrid(size: size, pixelSize: pixel))
                return map.voxels.reduce(0.0) { $0 + Double($1) } * pixel * pixel * pixel
            }
            let spread = (masses.max()! - masses.min()!) / masses.max()!
            #expect(spread < 0.005, "\(component): masses \(masses) Å³")
        }
    }
}
