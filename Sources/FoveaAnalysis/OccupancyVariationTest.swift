import Foundation

/// Does an ROI's occupancy vary across the class volumes by more than the class volumes' noise?
///
/// The preprint's R_ij = C_ij/√(C_ii C_jj) is scale-free: for an ROI whose true occupancy is the
/// same in every class (the far foot in Figure 3), C_ii is the noise of the class volumes, and R
/// correlates that noise with the other ROIs. Over K = 4 classes the correlation of independent
/// noise is uniform on [−1, 1], so |R| is then anything. This test measures the noise of each ROI's
/// occupancy from each class's two half maps (independent half sets of particles; they carry both
/// the reconstruction noise and the sampling of random components among the class's particles)
/// and asks whether the spread across classes exceeds it.
///
/// Model under the null hypothesis "ROI i does not vary": o_ki = μ_i + e_ki, e_ki ~ N(0, σ_i²),
/// with the full map the mean of its halves, so o¹_ki − o²_ki ~ N(0, 4σ_i²).
/// - σ̂_i² = Σ_k (o¹_ki − o²_ki)² / (4K)                 (K degrees of freedom)
/// - s_i² = Σ_k (o_ki − ō_i)² / (K − 1)                   (K − 1 degrees of freedom)
/// - F_i = s_i² / σ̂_i² ~ F(K − 1, K); p_i = P(F ≥ F_i).
public struct OccupancyVariationTest: Sendable {
    /// σ̂_i², per ROI (occupancy units²).
    public var noiseVariance: [Double]
    /// s_i², per ROI (occupancy units²).
    public var classVariance: [Double]
    /// F_i = s_i²/σ̂_i² (+∞ when σ̂_i² = 0 < s_i², NaN when both are 0).
    public var statistic: [Double]
    /// P(F(K−1, K) ≥ F_i); 1 where F_i is NaN.
    public var pValue: [Double]
    /// (K − 1, K).
    public var degreesOfFreedom: (numerator: Int, denominator: Int)

    /// - Parameters:
    ///   - occupancy: [class][roi] from the class volumes (K ≥ 2 classes).
    ///   - halves: ([class][roi] of half map 1, [class][roi] of half map 2), same shapes.
    public init(occupancy: [[Double]], halves: ([[Double]], [[Double]])) {
        let k = occupancy.count
        let rois = occupancy.first?.count ?? 0
        precondition(k >= 2, "the test needs at least two classes")
        precondition(halves.0.count == k && halves.1.count == k, "one row of half-map occupancies per class")
        degreesOfFreedom = (k - 1, k)
        var noise: [Double] = [], spread: [Double] = [], f: [Double] = [], p: [Double] = []
        for i in 0..<rois {
            let difference = (0..<k).map { halves.0[$0][i] - halves.1[$0][i] }
            let sigma2 = difference.reduce(0) { $0 + $1 * $1 } / (4 * Double(k))
            let mean = occupancy.reduce(0) { $0 + $1[i] } / Double(k)
            let s2 = occupancy.reduce(0) { $0 + ($1[i] - mean) * ($1[i] - mean) } / Double(k - 1)
            let ratio: Double = sigma2 > 0 ? s2 / sigma2 : (s2 > 0 ? .infinity : .nan)
            noise.append(sigma2)
            spread.append(s2)
            f.append(ratio)
            p.append(ratio.isNaN ? 1 : FDistribution.upperTail(ratio, numeratorDegrees: k - 1, denominatorDegrees: k))
        }
        noiseVariance = noise
        classVariance = spread
        statistic = f
        pValue = p
    }

    /// Whether ROI i varies beyond noise at level `alpha`.
    public func varies(alpha: Double) -> [Bool] { pValue.map { $0 < alpha } }

    /// R with noise gated out: R_ij where ROIs i and j both vary beyond noise; 0 off the diagonal
    /// where either does not (a region whose occupancy is constant across the classes has no
    /// measurable covariance with any other); NaN on the diagonal of a region that does not vary.
    public static func gated(_ correlation: [[Double]], varies: [Bool]) -> [[Double]] {
        correlation.indices.map { i in
            correlation[i].indices.map { j in
                if varies[i] && varies[j] { return correlation[i][j] }
                return i == j ? .nan : 0
            }
        }
    }
}
