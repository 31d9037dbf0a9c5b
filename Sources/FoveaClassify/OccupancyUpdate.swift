import Foundation
import FoveaDistributed

/// The occupancy step of every cycle (docs/algorithm.md §7.1, §7.2, §7.4). Tables are a rank's
/// local rows; the only global quantities, the class priors and class averages, are reduced over
/// the communicator with `ExactSum`, so every rank gets identical values whatever the sharding.
public enum OccupancyUpdate {
    /// Classes more than this many LogP units below a row's best class get occupancy 0 (§7.1).
    public static let defaultLogPCut = 10.0

    /// Class priors π_k (in %) = mean of the previous occupancies OCC_ik over **all** rows of all
    /// ranks, active or not (cisTEM's `use_old_occupancies`, §7.1). One Int64 allreduce of K + 1
    /// values (the K sums and the row count). With no rows anywhere, π_k = 100/K.
    public static func classPriors(previous occupancy: ClassTable, communicator: any Communicator) throws -> [Double] {
        try classMeans(of: occupancy, active: nil, communicator: communicator)
    }

    /// Class-average occupancy ⟨OCC_k⟩ (in %) over **active** rows of all ranks (§7.4): the class
    /// percentages reported each cycle and the normaliser of the reconstruction weights.
    /// `active` is indexed like the table's rows; nil means every row is active. With no active
    /// rows anywhere, 100/K.
    public static func classAverages(of occupancy: ClassTable, active: [Bool]?, communicator: any Communicator) throws -> [Double] {
        try classMeans(of: occupancy, active: active, communicator: communicator)
    }

    private static func classMeans(of table: ClassTable, active: [Bool]?, communicator: any Communicator) throws -> [Double] {
        let k = table.classCount
        if let active { precondition(active.count == table.rowCount, "one active flag per row") }
        var sums = [Int64](repeating: 0, count: k + 1)
        table.values.withUnsafeBufferPointer { values in
            for row in 0..<table.rowCount where active?[row] ?? true {
                for c in 0..<k { sums[c] += ExactSum.quantise(values[row * k + c]) }
                sums[k] += 1
            }
        }
        try communicator.allreduce(&sums, .sum)
        guard sums[k] > 0 else { return [Double](repeating: 100 / Double(k), count: k) }
        let rows = Double(sums[k])
        return (0..<k).map { ExactSum.value(sums[$0]) / rows }
    }

    /// The E-step (§7.1) for every row:
    ///     L = max_k LogP_ik;  w_ik = π_k·exp(LogP_ik − L) if L − LogP_ik < cut, else 0;
    ///     OCC_ik = 100·w_ik / Σ_k w_ik.
    /// Computed in Double, stored as Float. If every class within the cut has prior 0 (a class that
    /// emptied), the row falls back to uniform priors, so the row still sums to 100 (cisTEM would
    /// divide by zero). Rows with a non-finite best LogP are rejected by a precondition.
    public static func expectationStep(logP: ClassTable, priors: [Double], cut: Double = defaultLogPCut) -> ClassTable {
        let k = logP.classCount
        precondition(priors.count == k, "one prior per class")
        precondition(cut > 0, "the LogP cut must be positive")
        var occupancy = ClassTable(rowCount: logP.rowCount, classCount: k)
        var weights = [Double](repeating: 0, count: k)
        logP.values.withUnsafeBufferPointer { logPs in
            occupancy.values.withUnsafeMutableBufferPointer { out in
                for row in 0..<logP.rowCount {
                    let base = row * k
                    var best = -Double.infinity
                    for c in 0..<k { best = max(best, Double(logPs[base + c])) }
                    precondition(best.isFinite, "row \(row) has no finite LogP")
                    var total = 0.0
                    for c in 0..<k {
                        let gap = best - Double(logPs[base + c])
                        weights[c] = gap < cut ? priors[c] * exp(-gap) : 0
                        total += weights[c]
                    }
                    if total <= 0 {
                        for c in 0..<k {
                            let gap = best - Double(logPs[base + c])
                            weights[c] = gap < cut ? exp(-gap) : 0
                            total += weights[c]
                        }
                    }
                    for c in 0..<k { out[base + c] = Float(100 * weights[c] / total) }
                }
            }
        }
        return occupancy
    }

    /// σ update (§7.2): each row's σ becomes the occupancy-weighted mean of its per-class values,
    /// σ_i = Σ_k σ_ik·OCC_ik/100, with the new occupancies (which sum to 100 per row).
    public static func updatedSigma(perClass sigma: ClassTable, occupancy: ClassTable) -> [Float] {
        precondition(sigma.rowCount == occupancy.rowCount && sigma.classCount == occupancy.classCount)
        let k = sigma.classCount
        return (0..<sigma.rowCount).map { row in
            var total = 0.0
            for c in 0..<k { total += Double(sigma[row, c]) * Double(occupancy[row, c]) }
            return Float(total / 100)
        }
    }
}

