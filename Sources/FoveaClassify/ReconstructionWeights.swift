import FoveaDistributed

/// Per-row, per-class insertion weights for the reconstruction (§8.1 step 5 and §8.2):
///     w_ik = (OCC_ik/⟨OCC_k⟩) / (σ_i/⟨σ⟩)²,
/// with ⟨OCC_k⟩ and ⟨σ⟩ averaged over the active rows of all ranks (exact sums, so identical on
/// every rank for any sharding). Inactive rows, rows with OCC = 0 and rows with σ ≤ 0 get 0.
///
/// Simplification of §6/§8 (documented choice): the score term is off. cisTEM multiplies each
/// inserted slice by a score-dependent B-factor exp(−C·(score − ⟨score⟩)·s²/4) with C = 2; we use
/// C = 0, so the score never needs computing and the weight is the scalar above. σ is whatever the
/// likelihood step supplies (cisTEM's §6.1 noise-to-signal ratio, or 1 for uniform weights, as
/// cisTEM's seed reconstruction does); apply `SigmaOutlierClamp` (§8.1 step 1) to σ first.
public enum ReconstructionWeights {
    /// Weights for a rank's rows. `sigma` has one value per row; `active` one flag per row (nil = all).
    public static func compute(occupancy: ClassTable, sigma: [Float], active: [Bool]?,
                               communicator: any Communicator) throws -> ClassTable {
        precondition(sigma.count == occupancy.rowCount, "one σ per row")
        let averages = try OccupancyUpdate.classAverages(of: occupancy, active: active, communicator: communicator)
        let activeSigma = sigma.indices.filter { active?[$0] ?? true }.map { Double(sigma[$0]) }
        let sums = try ExactSum.globalSums([activeSigma, activeSigma.map { _ in 1 }], communicator: communicator)
        let meanSigma = sums[1] > 0 ? sums[0] / sums[1] : 0
        var weights = ClassTable(rowCount: occupancy.rowCount, classCount: occupancy.classCount)
        for row in 0..<occupancy.rowCount where (active?[row] ?? true) && sigma[row] > 0 {
            let relativeSigma = Double(sigma[row]) / meanSigma
            for k in 0..<occupancy.classCount where occupancy[row, k] != 0 && averages[k] > 0 {
                weights[row, k] = Float(Double(occupancy[row, k]) / averages[k] / (relativeSigma * relativeSigma))
            }
        }
        return weights
    }
}
