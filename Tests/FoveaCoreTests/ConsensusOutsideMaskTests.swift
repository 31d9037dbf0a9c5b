import Foundation
import FoveaCore
import Testing

/// `--mask-outside consensus`: every class reference takes its outside density from one shared map,
/// so two references differ only where the soft mask m is non-zero, and there by m·(V₁ − V₂).
@Suite struct ConsensusOutsideMaskTests {
    /// A seeded random map of box `n` (Gaussian voxels plus an offset, so the background is not 0).
    static func randomMap(_ random: inout SeededRandom, size n: Int, pixelSize: Double) -> Volume {
        let offset = Float(random.uniform(in: -1..<1))
        return Volume(size: n, pixelSize: pixelSize,
                      voxels: (0..<n * n * n).map { _ in Float(random.gaussian()) + offset })
    }

    /// A seeded random ellipsoid mask of box `n` (value 0.7 inside, as a soft input mask would be).
    static func randomMask(_ random: inout SeededRandom, size n: Int, pixelSize: Double) -> Volume {
        let centre = (0..<3).map { _ in random.uniform(in: 0.35..<0.65) * Double(n) }
        let axes = (0..<3).map { _ in random.uniform(in: 0.1..<0.25) * Double(n) }
        var mask = Volume(size: n, pixelSize: pixelSize)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let d = zip([x, y, z].map(Double.init), zip(centre, axes)).reduce(0.0) { sum, pair in
                let (v, (c, a)) = pair
                return sum + (v - c) * (v - c) / (a * a)
            }
            if d <= 1 { mask[x, y, z] = 0.7 }
        } } }
        return mask
    }

    /// Seeded boxes, edges, weights and low-pass settings: with the consensus outside the two
    /// references agree bit for bit wherever m = 0, and differ by m·(V₁ − V₂) elsewhere; with each
    /// class's own outside (the default) they differ outside the mask whenever w > 0.
    @Test func referencesDifferOnlyInsideTheMask() {
        var random = SeededRandom(seed: 1515)
        for _ in 0..<12 {
            let n = 2 * Int(random.uniform(in: 12..<18)), p = random.uniform(in: 1..<4)
            let (v1, v2) = (Self.randomMap(&random, size: n, pixelSize: p), Self.randomMap(&random, size: n, pixelSize: p))
            let consensus = Volume(size: n, pixelSize: p, voxels: zip(v1.voxels, v2.voxels).map { 0.3 * $0 + 0.7 * $1 })
            let mask = Self.randomMask(&random, size: n, pixelSize: p)
            let weight = random.uniform(in: 0..<1) < 0.25 ? 0 : random.uniform(in: 0.05..<1)
            let lowPass: Double? = random.uniform(in: 0..<1) < 0.5 ? nil : random.uniform(in: 10..<40)
            let settings = ReferenceMaskSettings(edge: random.uniform(in: 0..<3) * p, outsideWeight: weight,
                                                 outsideLowPass: lowPass, outsideSource: .consensus)
            // Stand-in filter: a fixed smoothing along x, enough to change the outside density.
            let filter: VolumeLowPassFilter = { map, _, _ in
                Volume(size: map.size, pixelSize: map.pixelSize, voxels: map.voxels.indices.map { i in
                    0.5 * map.voxels[i] + 0.5 * map.voxels[i % map.size == 0 ? i : i - 1]
                })
            }
            let r1 = ReferenceMasking.apply(to: v1, mask: mask, settings: settings, lowPass: filter, outside: consensus)
            let r2 = ReferenceMasking.apply(to: v2, mask: mask, settings: settings, lowPass: filter, outside: consensus)
            let m = ReferenceMasking.softMask(mask, edgeWidth: settings.edge).voxels
            var (outsideVoxels, worstInside) = (0, 0.0)
            for i in m.indices {
                if m[i] == 0 {
                    outsideVoxels += 1
                    #expect(r1.voxels[i] == r2.voxels[i], "voxel \(i), box \(n), w \(weight)")
                } else {
                    let expected = Double(m[i]) * (Double(v1.voxels[i]) - Double(v2.voxels[i]))
                    worstInside = max(worstInside, abs(Double(r1.voxels[i]) - Double(r2.voxels[i]) - expected))
                }
            }
            #expect(outsideVoxels > n * n * n / 4)
            #expect(worstInside < 1e-5)
            if weight > 0 {
                let own = ReferenceMaskSettings(edge: settings.edge, outsideWeight: weight, outsideLowPass: lowPass)
                let o1 = ReferenceMasking.apply(to: v1, mask: mask, settings: own, lowPass: filter)
                let o2 = ReferenceMasking.apply(to: v2, mask: mask, settings: own, lowPass: filter)
                #expect(m.indices.contains { m[$0] == 0 && o1.voxels[$0] != o2.voxels[$0] })
            }
        }
    }

    /// Without an outside map, or with the class's own map as the outside map, the result is the
    /// unchanged cisTEM masking, bit for bit.
    @Test func theOwnMapAsOutsideMapChangesNothing() {
        var random = SeededRandom(seed: 16)
        let (n, p) = (16, 2.0)
        let map = Self.randomMap(&random, size: n, pixelSize: p), mask = Self.randomMask(&random, size: n, pixelSize: p)
        for weight in [0, 0.25, 1] {
            let settings = ReferenceMaskSettings(edge: 5, outsideWeight: weight)
            #expect(ReferenceMasking.apply(to: map, mask: mask, settings: settings, outside: map)
                    == ReferenceMasking.apply(to: map, mask: mask, settings: settings))
        }
    }

    /// Settings written before `outsideSource` existed decode as `.own`; the new field round-trips.
    @Test func olderSettingsDecodeAsOwn() throws {
        let old = Data(#"{"edge":10,"outsideWeight":0.25}"#.utf8)
        #expect(try JSONDecoder().decode(ReferenceMaskSettings.self, from: old).outsideSource == .own)
        let settings = ReferenceMaskSettings(edge: 7, outsideWeight: 0.5, outsideLowPass: 30, outsideSource: .consensus)
        #expect(try JSONDecoder().decode(ReferenceMaskSettings.self, from: JSONEncoder().encode(settings)) == settings)
    }
}
