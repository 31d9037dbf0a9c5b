import Foundation
import Testing
import FoveaAnalysis
import FoveaCore

@Suite("F distribution and the ROI variation test against half-map noise")
struct OccupancyVariationTests {
    @Test("Closed forms: d1 = 2 → (1 + 2f/d2)^(−d2/2); d2 = 2 → 1 − (d1 f/(2 + d1 f))^(d1/2)")
    func closedForms() {
        for f in [0.05, 0.4, 1.0, 2.7, 9.0, 50.0] {
            for d2 in [1, 3, 4, 10, 40] {
                let exact = pow(1 + 2 * f / Double(d2), -Double(d2) / 2)
                #expect(abs(FDistribution.upperTail(f, numeratorDegrees: 2, denominatorDegrees: d2) / exact - 1) < 1e-10)
            }
            for d1 in [1, 3, 4, 7] {
                let x = Double(d1) * f
                let exact = 1 - pow(x / (2 + x), Double(d1) / 2)
                #expect(abs(FDistribution.upperTail(f, numeratorDegrees: d1, denominatorDegrees: 2) - exact) < 1e-12)
            }
        }
    }

    @Test("F(3, 4) tail equals a brute-force integral of the F density; tabulated 5 % point 6.591")
    func bruteForceIntegral() {
        let d1 = 3.0, d2 = 4.0
        let gammas: Double = lgamma((d1 + d2) / 2) - lgamma(d1 / 2) - lgamma(d2 / 2)
        let logNorm: Double = gammas + (d1 / 2) * log(d1 / d2)
        func density(_ x: Double) -> Double {
            let power: Double = (d1 / 2 - 1) * log(x)
            let tail: Double = ((d1 + d2) / 2) * log(1 + d1 * x / d2)
            return exp(logNorm + power - tail)
        }
        // P(F ≥ f) = ∫_0^1 density(f + t/(1−t)) / (1−t)² dt, composite Simpson on 200,000 panels.
        for f in [0.5, 1.5, 6.591] {
            let n = 200_000
            let h = 1.0 / Double(n)
            var sum = 0.0
            for i in 0...n {
                let t = Double(i) * h
                let value = t >= 1 ? 0 : density(f + t / (1 - t)) / ((1 - t) * (1 - t))
                sum += value * (i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2))
            }
            let integral = sum * h / 3
            #expect(abs(FDistribution.upperTail(f, numeratorDegrees: 3, denominatorDegrees: 4) - integral) < 1e-7)
        }
        #expect(abs(FDistribution.upperTail(6.591, numeratorDegrees: 3, denominatorDegrees: 4) - 0.05) < 1e-4)
    }

    /// K classes of one ROI: true occupancies `truth`, full map = mean of two halves with noise SD `sd`.
    private static func draw(_ truth: [Double], sd: Double, using random: inout SeededRandom)
        -> (full: [Double], half1: [Double], half2: [Double]) {
        func gauss() -> Double {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &random), v = Double.random(in: 0..<1, using: &random)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        // Each half has noise SD sd·√2 so that their mean has SD sd.
        let half1 = truth.map { $0 + sd * 2.0.squareRoot() * gauss() }
        let half2 = truth.map { $0 + sd * 2.0.squareRoot() * gauss() }
        return (zip(half1, half2).map { ($0 + $1) / 2 }, half1, half2)
    }

    @Test("Under the null (constant ROI) p is uniform: 5 % of 4,000 four-class draws below 0.05; a varying ROI is found")
    func calibration() {
        var random = SeededRandom(seed: 7)
        var rejections = 0
        let trials = 4000
        for _ in 0..<trials {
            let roi = Self.draw([0.5, 0.5, 0.5, 0.5], sd: 0.01, using: &random)
            let test = OccupancyVariationTest(occupancy: roi.full.map { [$0] },
                                              halves: (roi.half1.map { [$0] }, roi.half2.map { [$0] }))
            if test.pValue[0] < 0.05 { rejections += 1 }
        }
        let rate = Double(rejections) / Double(trials)
        #expect(rate > 0.04 && rate < 0.06, "null rejection rate \(rate)")
        // Hand present in classes 2 and 3: swing 0.6 against noise 0.01.
        let hand = Self.draw([0.2, 0.8, 0.8, 0.2], sd: 0.01, using: &random)
        let test = OccupancyVariationTest(occupancy: hand.full.map { [$0] }, halves: (hand.half1.map { [$0] }, hand.half2.map { [$0] }))
        #expect(test.pValue[0] < 1e-4)
        #expect(test.varies(alpha: 0.01) == [true])
    }

    @Test("Raw R of noise over 4 classes is uniform on [−1, 1]; gated R is 0 there and keeps a real coupling")
    func gatingAgainstRawR() {
        var random = SeededRandom(seed: 11)
        var small = 0
        let trials = 3000
        for _ in 0..<trials {
            let hand = Self.draw([0.2, 0.8, 0.8, 0.2], sd: 0.01, using: &random)
            let farFoot = Self.draw([0.5, 0.5, 0.5, 0.5], sd: 0.01, using: &random)
            let occupancy = (0..<4).map { [hand.full[$0], farFoot.full[$0]] }
            let r = CovarianceMatrix(observations: occupancy).correlation[0][1]
            if abs(r) <= 0.3 { small += 1 }
        }
        // For K = 4 the null density of R is (1 − r²)^0 / 2: P(|R| ≤ 0.3) = 0.3.
        let fraction = Double(small) / Double(trials)
        #expect(abs(fraction - 0.3) < 0.03, "P(|R| ≤ 0.3) = \(fraction)")

        let hand = Self.draw([0.2, 0.8, 0.8, 0.2], sd: 0.01, using: &random)
        let nearFoot = Self.draw([0.1, 0.7, 0.7, 0.1], sd: 0.01, using: &random)
        let farFoot = Self.draw([0.5, 0.5, 0.5, 0.5], sd: 0.01, using: &random)
        let rois = [hand, nearFoot, farFoot]
        let occupancy = (0..<4).map { k in rois.map { $0.full[k] } }
        let test = OccupancyVariationTest(occupancy: occupancy, halves: ((0..<4).map { k in rois.map { $0.half1[k] } },
                                                                         (0..<4).map { k in rois.map { $0.half2[k] } }))
        let varies = test.varies(alpha: 0.01)
        #expect(varies == [true, true, false])
        let gated = OccupancyVariationTest.gated(CovarianceMatrix(observations: occupancy).correlation, varies: varies)
        #expect(gated[0][1] > 0.99)
        #expect(gated[0][2] == 0 && gated[1][2] == 0 && gated[2][2].isNaN)
    }
}
