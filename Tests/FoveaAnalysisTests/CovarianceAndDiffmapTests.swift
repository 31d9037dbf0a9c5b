import Testing
import FoveaAnalysis
import FoveaCore

@Suite("ROI covariance and merged difference maps")
struct CovarianceAndDiffmapTests {
    /// Box 8: ROI "hand" = x < 4, ROI "foot" = x ≥ 4 (binary masks); class k has density
    /// hand[k]·2 in the hand ROI and foot[k]·3 in the foot ROI; the full map has 2 and 3.
    static func occupancies(hand: [Double], foot: [Double]) -> [[Double]] {
        let n = 8
        func volume(_ value: (Int) -> Float) -> Volume {
            var v = Volume(size: n, pixelSize: 2)
            for z in 0..<n { for y in 0..<n { for x in 0..<n { v[x, y, z] = value(x) } } }
            return v
        }
        let masks = [volume { $0 < 4 ? 1 : 0 }, volume { $0 >= 4 ? 1 : 0 }]
        let full = volume { $0 < 4 ? 2 : 3 }
        let classes = zip(hand, foot).map { h, f in volume { $0 < 4 ? Float(2 * h) : Float(3 * f) } }
        return RegionOccupancy.occupancies(classes: classes, masks: masks, full: [full, full])
    }

    @Test("Occupancy is mass in ROI over full-occupancy mass")
    func occupancyValues() {
        let occupancy = Self.occupancies(hand: [1, 0.5], foot: [0, 0.25])
        #expect(occupancy.count == 2)
        #expect(abs(occupancy[0][0] - 1) < 1e-12 && abs(occupancy[0][1]) < 1e-12)
        #expect(abs(occupancy[1][0] - 0.5) < 1e-12 && abs(occupancy[1][1] - 0.25) < 1e-12)
    }

    @Test("R = 1 when ROIs always co-occur, 0 when independent, −1 when anti-correlated")
    func correlations() {
        let hand = [1.0, 1, 0, 0]
        let together = CovarianceMatrix(observations: Self.occupancies(hand: hand, foot: hand))
        #expect(abs(together.correlation[0][1] - 1) < 1e-9)
        let independent = CovarianceMatrix(observations: Self.occupancies(hand: hand, foot: [1, 0, 1, 0]))
        #expect(abs(independent.correlation[0][1]) < 1e-9)
        let opposed = CovarianceMatrix(observations: Self.occupancies(hand: hand, foot: hand.map { 1 - $0 }))
        #expect(abs(opposed.correlation[0][1] + 1) < 1e-9)
        #expect(abs(opposed.correlation[0][0] - 1) < 1e-9)
        // A constant ROI has no variance: R undefined.
        let constant = CovarianceMatrix(observations: Self.occupancies(hand: hand, foot: [1, 1, 1, 1]))
        #expect(constant.correlation[0][1].isNaN)
        // Float32 rounding (1e-8 relative) on a constant ROI is not variation either.
        let rounded = CovarianceMatrix(observations: [[1, 0.5412], [0, 0.5412 + 1e-8], [1, 0.5412 - 1e-8], [0, 0.5412]])
        #expect(rounded.correlation[0][1].isNaN && rounded.correlation[0][0] == 1)
    }

    @Test("Weights act as repeated observations; covariance of [0, 1] with equal weights is 1/4")
    func weights() {
        let data: [[Double]] = [[0.1, 0.9], [0.7, 0.2], [0.4, 0.4]]
        let weighted = CovarianceMatrix(observations: data, weights: [2, 1, 1])
        let repeated = CovarianceMatrix(observations: [data[0], data[0], data[1], data[2]])
        for i in 0..<2 { for j in 0..<2 { #expect(abs(weighted.covariance[i][j] - repeated.covariance[i][j]) < 1e-12) } }
        #expect(abs(CovarianceMatrix(observations: [[0], [1]]).covariance[0][0] - 0.25) < 1e-12)
    }

    @Test("Merged difference map of three tiny volumes equals a brute-force loop")
    func mergedAgainstBruteForce() {
        var random = SeededRandom(seed: 5)
        let n = 6
        let volumes = (0..<3).map { _ in
            Volume(size: n, pixelSize: 1, voxels: (0..<(n * n * n)).map { _ in Float(random.uniform() + 0.2) })
        }
        var mask = Volume(size: n, pixelSize: 1)
        for i in 0..<(n * n * 3) { mask.voxels[i] = 1 }
        let scales = DifferenceMap.commonMassScales(volumes, mask: mask)!
        let masses = zip(volumes, scales).map { v, s in s * RegionOccupancy.mass(of: v, in: mask) }
        #expect(abs(masses[0] - masses[1]) < 1e-9 * masses[0] && abs(masses[0] - masses[2]) < 1e-9 * masses[0])
        for mode in DifferenceMap.Mode.allCases {
            let merged = DifferenceMap.merged(volumes, scales: scales, mode: mode)
            for i in 0..<(n * n * n) {
                let v = (0..<3).map { Float(scales[$0]) * volumes[$0].voxels[i] }
                let pairs: [Float] = [v[0] - v[1], v[0] - v[2], v[1] - v[2]]
                let expected = max(0, (mode == .absolute ? pairs.map(abs) : pairs).max()!)
                #expect(merged.voxels[i] == expected)
            }
        }
        #expect(DifferenceMap.commonMassScales([volumes[0], Volume(size: n, pixelSize: 1)], mask: nil) == nil)
    }
}
