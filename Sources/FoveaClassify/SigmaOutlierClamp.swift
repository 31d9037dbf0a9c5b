import Foundation
import FoveaDistributed

/// The σ outlier clamp that precedes the reconstruction weights (docs/algorithm.md §8.1 step 1,
/// cisTEM `RemoveSigmaOutliers(2.0, reciprocal square)`), over the rows of all ranks:
/// 1. q_i = 1/σ_i² for every row with σ_i > 0;
/// 2. mean m₁ and standard deviation s₁ of q; keep the rows with |q − m₁| ≤ 4·s₁;
/// 3. mean m₂ and standard deviation s₂ of the kept q; clamp every q to [m₂ − 2·s₂, m₂ + 2·s₂]
///    (the lower limit only when it is positive) and return σ_i = 1/√q_i.
/// Deliberate fix (§13.5): s is the true population standard deviation; cisTEM's code divides the
/// mean twice, which makes its "std" about the RMS of q and the clamp much looser. Rows with σ ≤ 0
/// are left unchanged. All sums go through `ExactSum.globalSums`, so every rank gets the same
/// limits for any sharding.
public enum SigmaOutlierClamp {
    /// The clamped σ of this rank's rows (one value per row, same order as `sigma`).
    public static func apply(to sigma: [Float], communicator: any Communicator) throws -> [Float] {
        let q = sigma.map { $0 > 0 ? 1 / (Double($0) * Double($0)) : 0 }
        let valid = sigma.map { $0 > 0 }
        let (mean1, deviation1) = try moments(q, keep: valid, communicator: communicator)
        let kept = q.indices.map { valid[$0] && abs(q[$0] - mean1) <= 4 * deviation1 }
        let (mean2, deviation2) = try moments(q, keep: kept, communicator: communicator)
        let upper = mean2 + 2 * deviation2
        let lower = mean2 - 2 * deviation2
        return sigma.indices.map { row in
            guard valid[row] else { return sigma[row] }
            var clamped = min(q[row], upper)
            if lower > 0 { clamped = max(clamped, lower) }
            return clamped == q[row] ? sigma[row] : Float(1 / clamped.squareRoot())
        }
    }

    /// Global mean and population standard deviation of the kept values.
    private static func moments(_ values: [Double], keep: [Bool], communicator: any Communicator) throws -> (Double, Double) {
        let selected = values.indices.filter { keep[$0] }.map { values[$0] }
        let sums = try ExactSum.globalSums([selected, selected.map { $0 * $0 }, selected.map { _ in 1 }],
                                           communicator: communicator)
        guard sums[2] > 0 else { return (0, 0) }
        let mean = sums[0] / sums[2]
        return (mean, max(0, sums[1] / sums[2] - mean * mean).squareRoot())
    }
}
