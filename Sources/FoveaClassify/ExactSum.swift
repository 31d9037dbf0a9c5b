import Foundation
import FoveaDistributed

/// Sums that are exactly the same whatever the number of ranks or the order of the rows: values
/// are rounded to fixed-point Int64 and the integers are added, which is associative. Used for
/// every global quantity (class priors, class-average occupancies, ⟨σ⟩, statistics), so that runs
/// on 1, 2 or 3 ranks give bit-identical occupancies and reports.
public enum ExactSum {
    /// Fixed-point scale 2³⁰ for occupancies (resolution ≈ 9.3·10⁻¹⁰). Valid while
    /// Σ|values| < 2⁶³/2³⁰ ≈ 8.6·10⁹, e.g. 8.6·10⁷ rows of occupancies ≤ 100 %.
    public static let scale = 0x1p30

    /// The fixed-point representation of `value` at `scale`.
    @inlinable
    public static func quantise(_ value: Float) -> Int64 {
        Int64((Double(value) * scale).rounded())
    }

    /// The real value of a fixed-point sum at `scale`.
    @inlinable
    public static func value(_ sum: Int64) -> Double { Double(sum) / scale }

    /// Global sums of columns of arbitrary finite Doubles, identical for any sharding. Each column
    /// gets its own power-of-two scale 2^e, the largest with max|v|·2^e ≤ 2³¹ (max over all ranks,
    /// so the scale never depends on the sharding); up to 2³¹ terms per column then fit in Int64,
    /// and each term is rounded by at most max|v|·2⁻³². Two collectives: Double max, Int64 sum.
    public static func globalSums(_ columns: [[Double]], communicator: any Communicator) throws -> [Double] {
        var magnitudes = columns.map { column in
            column.reduce(0.0) { partial, value in
                precondition(value.isFinite, "ExactSum.globalSums needs finite values")
                return max(partial, abs(value))
            }
        }
        try communicator.allreduce(&magnitudes, .max)
        let factors = magnitudes.map { magnitude -> Double in
            guard magnitude > 0 else { return 1 }
            let exponent = max(-1000, min(1000, Int((31 - log2(magnitude)).rounded(.down))))
            return Foundation.pow(2.0, Double(exponent))
        }
        var sums = columns.indices.map { index -> Int64 in
            columns[index].reduce(Int64(0)) { $0 + Int64(($1 * factors[index]).rounded()) }
        }
        try communicator.allreduce(&sums, .sum)
        return sums.indices.map { Double(sums[$0]) / factors[$0] }
    }
}
