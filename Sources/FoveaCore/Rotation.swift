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
