import Testing
import FoveaCore
import FoveaClassify
import _FoveaTestSupport

/// The region runs the likelihood makes once per row give the LogP of `LogLikelihood`'s region
/// sums bit for bit, read from a band of rows as from the whole image.
@Suite struct RegionRunsTests {
    @Test("disc and span runs give LogLikelihood's LogP bit for bit, from a band of rows (random boxes and regions)")
    func runsMatchTheRegionSums() {
        var rng = TestRandom(seed: 106)
        var runs = RegionRuns()
        for _ in 0..<40 {
            let n = 2 * Int(rng.uniform(4, 60))
            let image = (0..<(n * n)).map { _ in Float(rng.gaussian()) }
            let disc = LikelihoodDisc(centreX: rng.uniform(-0.3, 1.3) * Double(n), centreY: rng.uniform(-0.3, 1.3) * Double(n),
                                      radius: rng.uniform(0.3, 0.6 * Double(n)))
            let weights = (0..<(n * n)).map { _ in Float(rng.uniform(0, 1) < 0.2 ? 1 : 0) }
            let spans = PixelSpans(nonzeroOf: weights, width: n)
            for (region, expected) in [
                (LikelihoodRegion.disc(disc), image.withUnsafeBufferPointer { LogLikelihood.logP(difference: $0, width: n, height: n, disc: disc) }),
                (.spans(spans), image.withUnsafeBufferPointer { LogLikelihood.logP(difference: $0, width: n, spans: spans) }),
            ] {
                let hard = runs.set(to: region, width: n)
                #expect(hard)
                #expect(RegionRuns.rows(of: region, width: n) == runs.rows)
                // The rows from the band's first row on only, as the band inverse FFT returns them.
                let first = runs.rows.isEmpty ? 0 : Int(rng.uniform(0, Double(runs.rows.lowerBound + 1)))
                let band = Array(image[(first * n)...])
                let sum = band.withUnsafeBufferPointer { runs.sumOfSquares(image: $0.baseAddress!, firstRow: first, width: n) }
                let got: Double
                if case .disc(let d) = region {
                    got = LogLikelihood.discLogP(sumOfSquares: sum, pixelCount: runs.pixelCount, analyticArea: d.analyticArea)
                    #expect(runs.pixelCount == d.pixelCount(width: n, height: n))
                } else {
                    got = LogLikelihood.regionLogP(sumOfSquares: sum, pixelCount: runs.pixelCount)
                }
                #expect(got.bitPattern == expected.bitPattern, "N \(n), \(region)")
            }
        }
        let soft = runs.set(to: .weights([Float](repeating: 1, count: 64)), width: 8)
        #expect(!soft)
        #expect(runs.rows == 0..<8)
    }
}
