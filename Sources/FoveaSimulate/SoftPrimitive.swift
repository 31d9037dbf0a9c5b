import Foundation

/// A solid geometric shape with a signed distance in Å and a smooth, band-limited edge.
///
/// Frame: positions in Å from the map centre (x, y, z), z = the humanoid's two-fold (pseudo-)
/// symmetry axis. The density of a primitive at signed distance d (negative inside) is
/// ρ(d) = ½·erfc(d / (√2·σ)): the solid shape blurred by a Gaussian of standard deviation σ Å
/// (exact for a half-space, close for shapes much larger than σ), so a σ near the pixel size keeps
/// the map well sampled (Gaussian transfer exp(−2π²σ²k²) ≈ 0.011 at Nyquist for σ = 5 Å, 5.24 Å pixels).
public enum SoftPrimitive: Sendable, Equatable {
    /// A segment from `start` to `end` (Å) thickened to `radius` Å (a cylinder with hemispherical caps).
    case capsule(start: SIMD3<Double>, end: SIMD3<Double>, radius: Double)
    /// An axis-aligned ellipsoid with centre and semi-axes in Å.
    case ellipsoid(center: SIMD3<Double>, semiAxes: SIMD3<Double>)

    /// A sphere of `radius` Å about `center`.
    public static func sphere(center: SIMD3<Double>, radius: Double) -> SoftPrimitive {
        .ellipsoid(center: center, semiAxes: SIMD3(repeating: radius))
    }

    /// The image under the C2 operator diag(−1, −1, 1) (rotation by 180° about z).
    ///
    /// Negating x and y is exact in floating point, so the distance of this primitive at C2(p)
    /// equals, bit for bit, the distance of the original at p.
    public var c2Image: SoftPrimitive {
        switch self {
        case let .capsule(start, end, radius):
            return .capsule(start: Self.c2(start), end: Self.c2(end), radius: radius)
        case let .ellipsoid(center, semiAxes):
            return .ellipsoid(center: Self.c2(center), semiAxes: semiAxes)
        }
    }

    /// C2 about z: (x, y, z) → (−x, −y, z).
    @inlinable public static func c2(_ p: SIMD3<Double>) -> SIMD3<Double> { SIMD3(-p.x, -p.y, p.z) }

    /// Signed distance (Å) from `p` to the surface: negative inside.
    ///
    /// Exact for capsules and spheres; for a general ellipsoid the first-order estimate
    /// k0·(k0 − 1)/k1 with k0 = |p/a|, k1 = |p/a²| (exact on the surface and on the axes).
    public func signedDistance(_ p: SIMD3<Double>) -> Double {
        switch self {
        case let .capsule(start, end, radius):
            let axis = end - start
            let rel = p - start
            let lengthSquared = (axis * axis).sum()
            var t = lengthSquared > 0 ? (rel * axis).sum() / lengthSquared : 0
            t = min(max(t, 0), 1)
            let offset = rel - axis * t
            return (offset * offset).sum().squareRoot() - radius
        case let .ellipsoid(center, semiAxes):
            let rel = p - center
            if semiAxes.x == semiAxes.y && semiAxes.y == semiAxes.z {
                return (rel * rel).sum().squareRoot() - semiAxes.x
            }
            let scaled = rel / semiAxes
            let k0 = (scaled * scaled).sum().squareRoot()
            let scaled2 = scaled / semiAxes
            let k1 = (scaled2 * scaled2).sum().squareRoot()
            if k1 < 1e-12 { return -semiAxes.min() }
            return k0 * (k0 - 1) / k1
        }
    }

    /// Soft density in [0, 1] at `p` for edge width `edgeSigma` Å (σ = 0 gives a hard 0/1 edge
    /// with the surface itself counted inside).
    public func density(_ p: SIMD3<Double>, edgeSigma: Double) -> Double {
        Self.density(signedDistance: signedDistance(p), edgeSigma: edgeSigma)
    }

    /// ½·erfc(d / (√2·σ)); a step (1 for d ≤ 0) when σ = 0.
    @inlinable public static func density(signedDistance d: Double, edgeSigma: Double) -> Double {
        guard edgeSigma > 0 else { return d <= 0 ? 1 : 0 }
        return 0.5 * erfc(d / (edgeSigma * 2.0.squareRoot()))
    }

    /// A box (Å, min and max corners) outside which the distance exceeds `margin` Å.
    public func bounds(margin: Double) -> (lower: SIMD3<Double>, upper: SIMD3<Double>) {
        switch self {
        case let .capsule(start, end, radius):
            let pad = SIMD3<Double>(repeating: radius + margin)
            return (pointwiseMin(start, end) - pad, pointwiseMax(start, end) + pad)
        case let .ellipsoid(center, semiAxes):
            // The first-order distance underestimates |d| far out only by a bounded factor;
            // pad generously by the largest semi-axis ratio.
            let ratio = semiAxes.max() / semiAxes.min()
            let pad = semiAxes + SIMD3(repeating: margin * ratio)
            return (center - pad, center + pad)
        }
    }
}
