import Testing
import FoveaCore
import Foundation

@Suite struct RotationMatrixTests {
    @Test func eulerMatrixIsOrthonormalWithUnitDeterminant() {
        let m = RotationMatrix(EulerAngles(phi: 37, theta: 71, psi: -122))
        let p = m * m.transposed
        for r in 0..<3 { for c in 0..<3 { #expect(abs(p[r, c] - (r == c ? 1 : 0)) < 1e-12) } }
    }

    @Test func viewingDirectionIsMz() {
        // M·ẑ = (sinθ cosφ, sinθ sinφ, cosθ) (docs/algorithm.md §1.2).
        let (phi, theta) = (30.0, 50.0)
        let v = RotationMatrix(EulerAngles(phi: phi, theta: theta, psi: 10)).apply(SIMD3(0, 0, 1))
        let d = Double.pi / 180
        #expect(abs(v.x - sin(theta * d) * cos(phi * d)) < 1e-12)
        #expect(abs(v.y - sin(theta * d) * sin(phi * d)) < 1e-12)
        #expect(abs(v.z - cos(theta * d)) < 1e-12)
    }
}
