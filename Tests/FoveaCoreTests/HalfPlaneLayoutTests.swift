import Foundation
import Numerics
import Testing
import FoveaCore
import _FoveaTestSupport

/// The disc layout holds exactly the frequencies within its radius, and inserting from it adds
/// exactly what inserting the full spectrum out to that radius adds.
@Suite struct HalfPlaneLayoutTests {
    @Test(arguments: [(32, 9.5), (32, 10.0), (48, 17.3), (40, 18.2), (32, 16.0), (32, 20.5), (16, 8.0)])
    func discHoldsExactlyTheFrequenciesWithinItsRadius(size n: Int, radius: Double) {
        let disc = HalfPlaneLayout.disc(size: n, radius: radius)
        #expect(disc.disc == FrequencyDisc(radius: radius))
        var seen = Set<Int>()
        for ky in -n / 2 ..< n / 2 {
            for kx in 0...(n / 2) {
                let inside = Double(kx * kx + ky * ky) <= radius * radius
                let index = disc.index(kx: kx, ky: ky)
                #expect((index != nil) == inside, "(\(kx), \(ky))")
                if let index { seen.insert(index) }
            }
        }
        #expect(seen == Set(0..<disc.count))
        // Row order: ky = 0, 1, …, then the negative rows ascending, as in the full layout.
        let order = disc.rowFrequencies.map(Int.init)
        let top = Int(radius.rounded(.down))
        #expect(order == Array(0...min(top, n / 2 - 1)) + Array(-min(top, n / 2) ..< 0))
    }

    @Test func fullLayoutIsTheHalfComplexImageLayoutAndLargeDiscsFallBackToIt() {
        let n = 16
        let full = HalfPlaneLayout.full(size: n)
        let image = HalfComplexImage(size: n)
        #expect(full.count == image.values.count)
        for ky in -n / 2 ..< n / 2 {
            for kx in 0...(n / 2) { #expect(full.index(kx: kx, ky: ky) == image.index(kx: kx, ky: ky)) }
        }
        // A disc holding every frequency of the box is the full layout; one radius less is not.
        #expect(HalfPlaneLayout.disc(size: n, radius: 8 * 2.0.squareRoot()) == full)
        #expect(HalfPlaneLayout.disc(size: n, radius: 11).count < full.count)
    }

    @Test func gatherCopiesEachHeldFrequency() {
        let n = 20, disc = HalfPlaneLayout.disc(size: n, radius: 6.5)
        let values = (0..<((n / 2 + 1) * n)).map { Float($0) }
        var out = [Float](repeating: -1, count: disc.count)
        values.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { disc.gather(fromFull: v, into: $0) } }
        let image = HalfComplexImage(size: n)
        for ky in -n / 2 ..< n / 2 {
            for kx in 0...(n / 2) {
                if let i = disc.index(kx: kx, ky: ky) { #expect(out[i] == values[image.index(kx: kx, ky: ky)]) }
            }
        }
    }

    @Test(arguments: [8.4, 12.0, 14.5])
    func insertingFromADiscAddsWhatTheFullSpectrumAddsWithinItsRadius(radius: Double) {
        let n = 24
        var rng = TestRandom(seed: 77)
        let input = RandomDiscSpectrum(size: n, radius: radius, rng: &rng)
        let (spectrum, ctf, disc, packed, packedCTF) = (input.spectrum, input.ctf, input.disc, input.packed, input.packedCTF)
        for padding in [1, 2] {
            let rotation = RotationMatrix(FourierFixtures.randomAngles(&rng))
            var fromFull = ReconstructionAccumulator(size: n, padding: padding)
            var fromDisc = ReconstructionAccumulator(size: n, padding: padding)
            fromFull.insert(spectrum, ctf: ctf, rotation: rotation, weight: 0.7, maxRadius: radius)
            packed.withUnsafeBufferPointer { x in
                packedCTF.withUnsafeBufferPointer { c in
                    fromDisc.insert(x, ctf: c, layout: disc, rotation: rotation, weight: 0.7)
                }
            }
            #expect(fromDisc.numerator == fromFull.numerator)
            #expect(fromDisc.ctfSquared == fromFull.ctfSquared)
            #expect(fromFull.ctfSquared.contains { $0 != 0 })
            // Several accumulators at once: the same sums again.
            var several = [ReconstructionAccumulator(size: n, padding: padding), ReconstructionAccumulator(size: n, padding: padding)]
            packed.withUnsafeBufferPointer { x in
                packedCTF.withUnsafeBufferPointer { c in
                    ReconstructionAccumulator.insert(x, ctf: c, layout: disc, rotation: rotation, weights: [0.7, 0.7], into: &several)
                }
            }
            #expect(several[0].numerator == fromFull.numerator && several[1].ctfSquared == fromFull.ctfSquared)
            // A smaller maxRadius than the disc limits the disc insertion the same way.
            var fullSmall = ReconstructionAccumulator(size: n, padding: padding)
            var discSmall = ReconstructionAccumulator(size: n, padding: padding)
            fullSmall.insert(spectrum, ctf: ctf, rotation: rotation, weight: 1, maxRadius: 5)
            packed.withUnsafeBufferPointer { x in
                packedCTF.withUnsafeBufferPointer { c in
                    discSmall.insert(x, ctf: c, layout: disc, rotation: rotation, weight: 1, maxRadius: 5)
                }
            }
            #expect(discSmall.numerator == fullSmall.numerator)
        }
    }
}

/// `FrequencyDisc` decides membership on integers: a radius computed as √m holds m, and the layout
/// made from a disc holds exactly the disc's frequencies of the box.
@Suite struct FrequencyDiscTests {
    @Test func aRadiusComputedAsTheRootOfAnIntegerHoldsThatInteger() {
        var random = SeededRandom(seed: 9)
        for _ in 0..<20_000 {
            let m = Int(random.uniform(in: 0..<100_000))
            #expect(FrequencyDisc(radius: Double(m).squareRoot()).squaredRadius == m, "m = \(m)")
        }
        #expect(FrequencyDisc(radius: -1).lastRow == nil)
        #expect(FrequencyDisc(radius: .nan).lastRow == nil)
        #expect(FrequencyDisc(radius: .infinity).squaredRadius == FrequencyDisc.largestSquaredRadius)
    }

    @Test func layoutOfADiscHoldsExactlyItsFrequencies() {
        var random = SeededRandom(seed: 11)
        for _ in 0..<200 {
            let n = 2 * Int(random.uniform(in: 4..<70))
            let disc = FrequencyDisc(squaredRadius: Int(random.uniform(in: -1..<Double(n * n / 2 + 4))))
            let layout = HalfPlaneLayout.disc(size: n, holding: disc)
            var wrong: [String] = []
            for ky in -n / 2 ..< n / 2 {
                if let column = disc.lastColumn(ky: ky), !disc.contains(kx: column, ky: ky) || disc.contains(kx: column + 1, ky: ky) {
                    wrong.append("last column \(column) of row \(ky)")
                }
                for kx in 0...(n / 2) where (layout.index(kx: kx, ky: ky) != nil) != disc.contains(kx: kx, ky: ky) {
                    wrong.append("(\(kx), \(ky))")
                }
            }
            #expect(wrong.isEmpty, "n \(n), r² \(disc.squaredRadius): \(wrong.prefix(5))")
        }
    }
}
