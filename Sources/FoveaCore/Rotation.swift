import RealModule

/// Euler angles in degrees, ZYZ convention: RELION (rot, tilt, psi) = cisTEM/Frealign (φ, θ, ψ).
/// See docs/conventions.md.
public struct EulerAngles: Sendable, Equatable, Codable {
    /// φ = RELION rot, degrees.
    public var phi: Double
    /// θ = RELION tilt, degrees.
    public var theta: Double
    /// ψ = RELION psi, degrees.
    public var psi: Double

    public init(phi: Double, theta: Double, psi: Double) {
        self.phi = phi
        self.theta = theta
        self.psi = psi
    }
}

/// A 3×3 rotation matrix acting on column vectors (out = M·in), stored row-major.
///
/// `RotationMatrix(euler)` = Rz(φ)·Ry(θ)·Rz(ψ) with Rz(a) = [[c,−s,0],[s,c,0],[0,0,1]] and
/// Ry(a) = [[c,0,s],[0,1,0],[−s,0,c]]. The Fourier slice of a particle with these angles samples
/// the 3-D transform at M·(kx, ky, 0)ᵀ; a map point r projects to (Mᵀ·r)_xy.
public struct RotationMatrix: Sendable, Equatable {
    /// Row-major entries m[3·row + column].
    public var m: [Double]

    public init(rows: [[Double]]) {
        precondition(rows.count == 3 && rows.allSatisfy { $0.count == 3 })
        m = rows.flatMap { $0 }
    }

    public static let identity = RotationMatrix(rows: [[1, 0, 0], [0, 1, 0], [0, 0, 1]])

    /// M(φ, θ, ψ) = Rz(φ)·Ry(θ)·Rz(ψ).
    public init(_ angles: EulerAngles) {
        let deg = Double.pi / 180
        let (sf, cf) = (Double.sin(angles.phi * deg), Double.cos(angles.phi * deg))
        let (st, ct) = (Double.sin(angles.theta * deg), Double.cos(angles.theta * deg))
        let (sp, cp) = (Double.sin(angles.psi * deg), Double.cos(angles.psi * deg))
        m = [cf * ct * cp - sf * sp, -cf * ct * sp - sf * cp, st * cf,
             sf * ct * cp + cf * sp, -sf * ct * sp + cf * cp, st * sf,
             -st * cp, st * sp, ct]
    }

    @inlinable public subscript(row: Int, column: Int) -> Double { m[3 * row + column] }

    public var transposed: RotationMatrix {
        RotationMatrix(rows: [[m[0], m[3], m[6]], [m[1], m[4], m[7]], [m[2], m[5], m[8]]])
    }

    /// M·v.
    @inlinable public func apply(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(m[0] * v.x + m[1] * v.y + m[2] * v.z,
              m[3] * v.x + m[4] * v.y + m[5] * v.z,
              m[6] * v.x + m[7] * v.y + m[8] * v.z)
    }

    /// Matrix product lhs·rhs.
    public static func * (lhs: RotationMatrix, rhs: RotationMatrix) -> RotationMatrix {
        var rows = [[Double]](repeating: [0, 0, 0], count: 3)
        for r in 0..<3 {
            for c in 0..<3 {
                rows[r][c] = lhs[r, 0] * rhs[0, c] + lhs[r, 1] * rhs[1, c] + lhs[r, 2] * rhs[2, c]
            }
        }
        return RotationMatrix(rows: rows)
    }
}

// MARK: - Construction, inverse and conversion back to Euler angles

extension RotationMatrix {
    /// The active, right-handed rotation by `angleDegrees` about `axis` (normalised here):
    /// Rodrigues' formula R = cI + s[a]ₓ + (1 − c)aaᵀ. `RotationMatrix(axis: ẑ, angleDegrees: a)`
    /// equals `RotationMatrix(EulerAngles(phi: a, theta: 0, psi: 0))`.
    public init(axis: SIMD3<Double>, angleDegrees: Double) {
        let length = (axis * axis).sum().squareRoot()
        precondition(length > 0, "Rotation axis must not be zero")
        let a = axis / length
        let radians = angleDegrees * Double.pi / 180
        let (s, c) = (Double.sin(radians), Double.cos(radians))
        let t = 1 - c
        self.init(rows: [[c + t * a.x * a.x, t * a.x * a.y - s * a.z, t * a.x * a.z + s * a.y],
                         [t * a.y * a.x + s * a.z, c + t * a.y * a.y, t * a.y * a.z - s * a.x],
                         [t * a.z * a.x - s * a.y, t * a.z * a.y + s * a.x, c + t * a.z * a.z]])
    }

    /// The inverse rotation, Mᵀ.
    public var inverse: RotationMatrix { transposed }

    /// det M (+1 for a rotation).
    public var determinant: Double {
        m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
            + m[2] * (m[3] * m[7] - m[4] * m[6])
    }

    /// Mᵀ·v: where a map point v (relative to the map centre) lands in the projection frame;
    /// its x and y are the 2-D position relative to the image centre (docs/algorithm.md §1.2).
    @inlinable public func applyTransposed(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(m[0] * v.x + m[3] * v.y + m[6] * v.z,
              m[1] * v.x + m[4] * v.y + m[7] * v.z,
              m[2] * v.x + m[5] * v.y + m[8] * v.z)
    }

    /// Largest absolute entry-wise difference to `other` (0 for equal matrices).
    public func maxAbsDifference(to other: RotationMatrix) -> Double {
        var largest = 0.0
        for i in 0..<9 { largest = max(largest, abs(m[i] - other.m[i])) }
        return largest
    }

    /// The ZYZ Euler angles (φ, θ, ψ) with `RotationMatrix(angles)` = self; φ and ψ in
    /// (−180°, 180°], θ in [0°, 180°].
    ///
    /// General case (docs/algorithm.md §1.2): θ = atan2(√(m02² + m12²), m22), φ = atan2(m12, m02),
    /// ψ = atan2(m21, −m20). When sin θ < 1e−9 only φ ± ψ is defined; we set φ = 0 and solve
    /// analytically: at θ ≈ 0, ψ = atan2(m10 − m01, m00 + m11) (= φ + ψ for any θ); at θ ≈ 180°,
    /// ψ = atan2(m10 + m01, m11 − m00) (= ψ − φ). Both identities hold exactly, so the result is
    /// accurate to rounding for every matrix, unlike cisTEM's brute-force fallback at 180°.
    public var eulerAngles: EulerAngles {
        let deg = 180 / Double.pi
        let sinTheta = (m[2] * m[2] + m[5] * m[5]).squareRoot()
        let theta = Double.atan2(y: sinTheta, x: m[8])
        if sinTheta >= 1e-9 {
            let phi = Double.atan2(y: m[5], x: m[2])
            let psi = Double.atan2(y: m[7], x: -m[6])
            return EulerAngles(phi: normalisedDegrees(phi * deg), theta: theta * deg,
                               psi: normalisedDegrees(psi * deg))
        }
        let psi: Double
        if m[8] > 0 {
            psi = Double.atan2(y: m[3] - m[1], x: m[0] + m[4])
        } else {
            psi = Double.atan2(y: m[3] + m[1], x: m[4] - m[0])
        }
        return EulerAngles(phi: 0, theta: theta * deg, psi: normalisedDegrees(psi * deg))
    }
}

extension EulerAngles {
    /// The angles of `matrix` (see `RotationMatrix.eulerAngles`).
    public init(_ matrix: RotationMatrix) {
        self = matrix.eulerAngles
    }

    /// The orientation whose matrix is `lhs`·M(self): used for symmetry copies (`PointGroup`).
    public func premultiplied(by lhs: RotationMatrix) -> EulerAngles {
        (lhs * RotationMatrix(self)).eulerAngles
    }
}

/// An angle in degrees mapped to (−180, 180].
@inlinable func normalisedDegrees(_ angle: Double) -> Double {
    var a = angle.truncatingRemainder(dividingBy: 360)
    if a <= -180 { a += 360 }
    if a > 180 { a -= 360 }
    return a
}
