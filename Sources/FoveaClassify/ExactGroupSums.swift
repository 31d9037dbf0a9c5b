import Foundation
import FoveaDistributed

extension ExactSum {
    /// Global sums of equally long rows of finite Doubles per group: result[g][j] = Σ over rows r
    /// with `groups[r] == g` (on every rank) of `rows[r][j]`. Exact whatever the sharding, as
    /// `globalSums`: each (group, column) gets its own power-of-two scale from its largest
    /// magnitude over all ranks, and the fixed-point integers are added. With one group the
    /// result equals `globalSums` of the columns bit for bit. `groupCount` and `width` must be
    /// the same on every rank; each group index in 0 ..< `groupCount`. Two collectives.
    public static func globalGroupSums(rows: [[Double]], groups: [Int], groupCount: Int, width: Int,
                                       communicator: any Communicator) throws -> [[Double]] {
        precondition(rows.count == groups.count, "one group per row")
        var magnitudes = [Double](repeating: 0, count: groupCount * width)
        for (row, group) in zip(rows, groups) {
            precondition(row.count == width && (0..<groupCount).contains(group), "rows of one width, groups in range")
            for j in 0..<width {
                precondition(row[j].isFinite, "ExactSum.globalGroupSums needs finite values")
                magnitudes[group * width + j] = max(magnitudes[group * width + j], abs(row[j]))
            }
        }
        try communicator.allreduce(&magnitudes, .max)
        let factors = magnitudes.map { magnitude -> Double in
            guard magnitude > 0 else { return 1 }
            let exponent = max(-1000, min(1000, Int((31 - log2(magnitude)).rounded(.down))))
            return Foundation.pow(2.0, Double(exponent))
        }
        var sums = [Int64](repeating: 0, count: groupCount * width)
        for (row, group) in zip(rows, groups) {
            for j in 0..<width {
                let slot = group * width + j
                sums[slot] += Int64((row[j] * factors[slot]).rounded())
            }
        }
        try communicator.allreduce(&sums, .sum)
        return (0..<groupCount).map { g in (0..<width).map { j in Double(sums[g * width + j]) / factors[g * width + j] } }
    }
}
