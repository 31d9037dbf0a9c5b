import Foundation
import FoveaCore
import Testing

@Suite struct EulerConversionTests {
    /// Euler → matrix → Euler → matrix over 10⁵ random angles (uniform in each angle, so θ near 0
    /// and 180° are well represented) plus exact and near-degenerate θ; matrices compared, not angles.
    @Test func roundTripOverRandomAnglesAndDegenerateTilts() {
        var random = SeededRandom(seed: 2026)
        var worst = 0.0
        var cases: [EulerAngles] = (0..<100_000).map { _ in
            EulerAngles(phi: random.uniform(in: -360..<360), theta: random.uniform(in: 0..<180),
                        psi: random.uniform(in: -360..<360))
        }
        for theta in [0.0, 180, 1e-12, 1e-8, 1e-6, 180 - 1e-12, 180 - 1e-8, 180 - 1e-6, -30, 200] {
            for _ in 0..<200 {
                cases.append(EulerAngles(phi: random.uniform(in: -180..<180), theta: theta,
                                         psi: random.uniform(in: -180..<180)))
            }
        }
        for angles in cases {
            let matrix = RotationMatrix(angles)
            let back = matrix.eulerAngles
            worst = max(worst, RotationMatrix(back).maxAbsDifference(to: matrix))
            #expect(back.theta >= 0 && back.theta <= 180)
            #expect(back.phi > -180 && back.phi <= 180 && back.psi > -180 && back.psi <= 180)
        }
        #expect(worst < 1e-9, "worst matrix difference \(worst)")
    }

    @Test func degenerateTiltsGiveAnalyticAngles() {
        // θ = 0: only φ + ψ matters; we return φ = 0, ψ = φ + ψ.
        let zero = RotationMatrix(EulerAngles(phi: 40, theta: 0, psi: 30)).eulerAngles
        #expect(abs(zero.phi) < 1e-12 && abs(zero.theta) < 1e-12 && abs(zero.psi - 70) < 1e-9)
        // θ = 180°: only ψ − φ matters; we return φ = 0, ψ = ψ − φ.
        let flip = RotationMatrix(EulerAngles(phi: 40, theta: 180, psi: 30)).eulerAngles
        #expect(abs(flip.phi) < 1e-12 && abs(flip.theta - 180) < 1e-12 && abs(flip.psi + 10) < 1e-9)
    }

    @Test func compositionInverseAndAxisRotation() {
        let a = RotationMatrix(EulerAngles(phi: 12, theta: 34, psi: 56))
        let b = RotationMatrix(EulerAngles(phi: -78, theta: 90, psi: 123))
        #expect((a * a.inverse).maxAbsDifference(to: .identity) < 1e-14)
        // Composition acts on vectors as successive application.
        let v = SIMD3<Double>(0.3, -1.2, 2.5)
        let composed = (a * b).apply(v), successive = a.apply(b.apply(v))
        #expect(largestDifference(composed, successive) < 1e-14)
        #expect(largestDifference(a.applyTransposed(a.apply(v)), v) < 1e-14)
        // Mᵀ = M(−ψ, −θ, −φ) (docs/algorithm.md §1.2).
        #expect(a.transposed.maxAbsDifference(to: RotationMatrix(EulerAngles(phi: -56, theta: -34, psi: -12))) < 1e-14)
        // The ZYZ factors are axis rotations.
        let zyz = RotationMatrix(axis: SIMD3(0, 0, 1), angleDegrees: 12) * RotationMatrix(axis: SIMD3(0, 1, 0), angleDegrees: 34)
            * RotationMatrix(axis: SIMD3(0, 0, 1), angleDegrees: 56)
        #expect(zyz.maxAbsDifference(to: a) < 1e-14)
        // Rotation by 120° about (1,1,1) permutes the axes x → y → z.
        let cycle = RotationMatrix(axis: SIMD3(1, 1, 1), angleDegrees: 120)
        #expect(largestDifference(cycle.apply(SIMD3(1, 0, 0)), SIMD3(0, 1, 0)) < 1e-14)
        #expect(abs(a.determinant - 1) < 1e-14)
        #expect(EulerAngles(phi: 10, theta: 20, psi: 30).premultiplied(by: .identity).phi == 10)
    }

    /// Haar-uniform rotations: E[M] = 0, E[m_ij²] = 1/3, and the viewing direction M·ẑ has z uniform
    /// on [−1, 1] (a Kolmogorov–Smirnov bound at 10⁵ draws).
    @Test func randomRotationsAreUniform() {
        var random = SeededRandom(seed: 7)
        let count = 100_000
        var mean = [Double](repeating: 0, count: 9), square = [Double](repeating: 0, count: 9)
        var zs: [Double] = []
        for _ in 0..<count {
            let m = RotationMatrix.uniformRandom(using: &random)
            #expect(abs(m.determinant - 1) < 1e-12)
            for i in 0..<9 { mean[i] += m.m[i] / Double(count); square[i] += m.m[i] * m.m[i] / Double(count) }
            zs.append(m[2, 2])
        }
        for i in 0..<9 {
            #expect(abs(mean[i]) < 0.01)
            #expect(abs(square[i] - 1.0 / 3) < 0.01)
        }
        zs.sort()
        var ks = 0.0
        for (i, z) in zs.enumerated() { ks = max(ks, abs(Double(i + 1) / Double(count) - (z + 1) / 2)) }
        #expect(ks < 1.63 / Double(count).squareRoot())  // 1 % level
        // Reproducible from the seed.
        var again = SeededRandom(seed: 7)
        var first = SeededRandom(seed: 7)
        #expect(RotationMatrix.uniformRandom(using: &again) == RotationMatrix.uniformRandom(using: &first))
    }
}

/// Largest component of |a − b|.
private func largestDifference(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
    let d = a - b
    return max(abs(d.x), abs(d.y), abs(d.z))
}
