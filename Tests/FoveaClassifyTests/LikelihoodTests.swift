import Foundation
import Testing
import FoveaCore
import FoveaClassify
import _FoveaTestSupport

@Suite struct LikelihoodTests {
    @Test func discColumnsMatchTheMembershipTest() {
        var random = TestRandom(seed: 11)
        for _ in 0..<200 {
            let width = 24
            let disc = LikelihoodDisc(centreX: random.uniform(-8, 32), centreY: random.uniform(-8, 32), radius: random.uniform(0.3, 14))
            var count = 0
            for y in 0..<width {
                let span = disc.columns(inRow: y, width: width)
                for x in 0..<width {
                    #expect(span.contains(x) == disc.contains(x: x, y: y))
                    if disc.contains(x: x, y: y) { count += 1 }
                }
            }
            #expect(disc.pixelCount(width: width, height: width) == count)
        }
        // Exact boundary: radius 2 about a pixel centre includes (x ± 2, y) and excludes the diagonal (2, 2).
        let disc = LikelihoodDisc(centreX: 5, centreY: 5, radius: 2)
        #expect(disc.columns(inRow: 5, width: 16) == 3..<8)
        #expect(disc.columns(inRow: 7, width: 16) == 5..<6)
        #expect(disc.pixelCount(width: 16, height: 16) == 13)
    }

    @Test func projectedSphereFollowsTheTransposedView() {
        let c = SIMD3<Double>(3, -2, 5)
        let identity = LikelihoodDisc.projectedSphere(sphereCentre: c, radius: 4, view: .identity, boxSize: 32)
        #expect(identity.centreX == 19 && identity.centreY == 14)
        // φ = 90°: M = Rz(90°), Mᵀ·c = Rz(−90°)·c = (c_y, −c_x, c_z).
        let turned = LikelihoodDisc.projectedSphere(sphereCentre: c, radius: 4,
                                                    view: RotationMatrix(EulerAngles(phi: 90, theta: 0, psi: 0)), boxSize: 32)
        #expect(abs(turned.centreX - (16 + -2)) < 1e-12 && abs(turned.centreY - (16 - 3)) < 1e-12)
        // θ = 90°: M = Ry(90°), Mᵀ·c = Ry(−90°)·c = (−c_z, c_y, c_x).
        let tilted = LikelihoodDisc.projectedSphere(sphereCentre: c, radius: 4,
                                                    view: RotationMatrix(EulerAngles(phi: 0, theta: 90, psi: 0)), boxSize: 32)
        #expect(abs(tilted.centreX - (16 - 5)) < 1e-12 && abs(tilted.centreY - (16 - 2)) < 1e-12)
    }

    @Test func hardDiscLogPMatchesANaiveLoop() {
        var random = TestRandom(seed: 5)
        for trial in 0..<30 {
            let width = 16 + trial % 17, height = width
            let image = (0..<width * height).map { _ in Float(random.uniform(-3, 3)) }
            let disc = LikelihoodDisc(centreX: random.uniform(0, Double(width)), centreY: random.uniform(0, Double(height)),
                                      radius: random.uniform(1, Double(width) / 2))
            var sum = 0.0, count = 0
            for y in 0..<height {
                for x in 0..<width {
                    let dx = Double(x) - disc.centreX, dy = Double(y) - disc.centreY
                    if dx * dx + dy * dy <= disc.radius * disc.radius {
                        sum += Double(image[y * width + x]) * Double(image[y * width + x]); count += 1
                    }
                }
            }
            let expected = -0.5 * (sum / Double(count) + log(2 * Double.pi)) * Double.pi * disc.radius * disc.radius
            let got = image.withUnsafeBufferPointer { LogLikelihood.logP(difference: $0, width: width, height: height, disc: disc) }
            #expect(abs(got - expected) <= 1e-5 * abs(expected), "trial \(trial)")
        }
    }

    @Test func discOutsideTheBoxGivesTheConstantTerm() {
        let image = [Float](repeating: 7, count: 16 * 16)
        let disc = LikelihoodDisc(centreX: 100, centreY: 100, radius: 3)
        let got = image.withUnsafeBufferPointer { LogLikelihood.logP(difference: $0, width: 16, height: 16, disc: disc) }
        #expect(abs(got - (-0.5 * log(2 * Double.pi) * Double.pi * 9)) < 1e-12)
    }

    @Test func softMaskLogPMatchesANaiveLoop() {
        var random = TestRandom(seed: 8)
        let count = 37 * 41 // not a multiple of 8, spans more than one SIMD block
        let image = (0..<count).map { _ in Float(random.uniform(-2, 2)) }
        let weights = (0..<count).map { _ in Float(max(0, random.uniform(-0.3, 1))) }
        var weighted = 0.0, total = 0.0
        for i in 0..<count {
            weighted += Double(weights[i]) * Double(image[i]) * Double(image[i]); total += Double(weights[i])
        }
        let expected = -0.5 * (weighted / total + log(2 * Double.pi)) * total
        let got = image.withUnsafeBufferPointer { d in weights.withUnsafeBufferPointer { LogLikelihood.logP(difference: d, weights: $0) } }
        #expect(abs(got - expected) <= 1e-5 * abs(expected))
        // A 0/1 mask is a region whose n_pix is its pixel count.
        let binary = weights.map { $0 > 0.5 ? Float(1) : 0 }
        let inside = (0..<count).filter { binary[$0] == 1 }
        let msd = inside.reduce(0.0) { $0 + Double(image[$1]) * Double(image[$1]) } / Double(inside.count)
        let hard = image.withUnsafeBufferPointer { d in binary.withUnsafeBufferPointer { LogLikelihood.logP(difference: d, weights: $0) } }
        #expect(abs(hard - (-0.5 * (msd + log(2 * Double.pi)) * Double(inside.count))) <= 1e-5 * abs(hard))
    }

    @Test func binaryRegionAsRunsGivesTheNaiveLogPAndTheSamePixels() {
        var random = TestRandom(seed: 9)
        let width = 37
        let image = (0..<(width * width)).map { _ in Float(random.uniform(-2, 2)) }
        // Blobs and single pixels, touching both image edges.
        let binary = (0..<(width * width)).map { i -> Float in
            let x = i % width, y = i / width
            return (x < 3 || x > 30 || (x + y) % 7 == 0 || (x - 18) * (x - 18) + (y - 18) * (y - 18) < 60) && y != 5 ? 1 : 0
        }
        let spans = PixelSpans(nonzeroOf: binary, width: width)
        var rebuilt = [Float](repeating: 0, count: width * width)
        spans.forEachRun { y, start, end in
            for x in start..<end { rebuilt[x + width * y] = 1 }
        }
        #expect(rebuilt == binary)
        let inside = (0..<binary.count).filter { binary[$0] == 1 }
        #expect(spans.pixelCount == inside.count)
        let msd = inside.reduce(0.0) { $0 + Double(image[$1]) * Double(image[$1]) } / Double(inside.count)
        let expected = -0.5 * (msd + log(2 * Double.pi)) * Double(inside.count)
        let got = image.withUnsafeBufferPointer { LogLikelihood.logP(difference: $0, width: width, spans: spans) }
        #expect(abs(got - expected) <= 1e-6 * abs(expected))
        #expect(PixelSpans(nonzeroOf: [Float](repeating: 0, count: 16), width: 4).pixelCount == 0)
    }
}

@Suite struct SoftLikelihoodMaskTests {
    @Test func zeroEdgeIsTheHardDisc() {
        let disc = LikelihoodDisc(centreX: 10.3, centreY: 12.7, radius: 6.5)
        let weights = disc.softWeights(width: 24, height: 24, edge: 0)
        for y in 0..<24 { for x in 0..<24 { #expect(weights[y * 24 + x] == (disc.contains(x: x, y: y) ? 1 : 0)) } }
    }

    @Test func cosineEdgeIsCentredOnTheRadius() {
        let disc = LikelihoodDisc(centreX: 24, centreY: 24, radius: 12)
        let weights = disc.softWeights(width: 48, height: 48, edge: 6)
        #expect(weights[24 * 48 + 24 + 8] == 1)                    // d = 8 ≤ R − 3
        #expect(abs(weights[24 * 48 + 24 + 12] - 0.5) < 1e-6)       // d = R
        #expect(abs(weights[24 * 48 + 24 + 14] - Float(0.5 * (1 + cos(Double.pi * 5 / 6)))) < 1e-6)
        #expect(weights[24 * 48 + 24 + 15] == 0)                    // d = R + 3
        // Σ w ≈ π R²: the symmetric edge preserves the area up to a small curvature term.
        let total = weights.reduce(0.0) { $0 + Double($1) }
        #expect(abs(total - Double.pi * 144) / (Double.pi * 144) < 0.02)
    }
}
