import RealModule

extension RotationMatrix {
    /// A rotation drawn uniformly (Haar measure) from SO(3), from three uniform deviates of `random`
    /// (Shoemake's subgroup algorithm, Graphics Gems III: a uniform unit quaternion).
    ///
    /// Consumes exactly three `uniform()` draws, so a seeded generator gives a reproducible sequence.
    public static func uniformRandom(using random: inout SeededRandom) -> RotationMatrix {
        let u1 = random.uniform()
        let u2 = random.uniform()
        let u3 = random.uniform()
        let r1 = (1 - u1).squareRoot()
        let r2 = u1.squareRoot()
        let a = 2 * Double.pi * u2
        let b = 2 * Double.pi * u3
        return RotationMatrix(quaternion: SIMD4(r2 * Double.cos(b), r1 * Double.sin(a),
                                                r1 * Double.cos(a), r2 * Double.sin(b)))
    }

    /// The rotation of the unit quaternion q = (w, x, y, z) (normalised here).
    public init(quaternion q: SIMD4<Double>) {
        let n = (q * q).sum().squareRoot()
        precondition(n > 0, "Quaternion must not be zero")
        let (w, x, y, z) = (q[0] / n, q[1] / n, q[2] / n, q[3] / n)
        self.init(rows: [[1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
                         [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
                         [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]])
    }
}

extension EulerAngles {
    /// Uniformly distributed orientation (see `RotationMatrix.uniformRandom(using:)`).
    public static func uniformRandom(using random: inout SeededRandom) -> EulerAngles {
        RotationMatrix.uniformRandom(using: &random).eulerAngles
    }
}
