import FoveaDistributed

/// The figures reported after each cycle, identical on every rank (all reduced over the
/// communicator). Fractions are over the active rows of all ranks.
public struct CycleStatistics: Sendable, Equatable, Codable {
    /// 1-based cycle number.
    public let cycle: Int
    /// Active rows over all ranks.
    public let rowCount: Int
    /// Soft class fractions: ⟨OCC_k⟩/100 (mean occupancy, §7.4); they sum to 1 after an E-step.
    public let softFractions: [Double]
    /// Hard class fractions: share of rows whose largest occupancy is class k (lowest k on ties).
    public let hardFractions: [Double]
    /// Share of rows whose best class differs from the previous cycle's (0 when there is none).
    public let changedFraction: Double
    /// Mean over rows of the best class's LogP (max_k LogP_ik), summed with
    /// `ExactSum.globalSums` (identical for any sharding).
    public let meanLogP: Double
    /// Σ_k |⟨OCC_k⟩ − ⟨OCC_k⟩_previous| in percentage points (cisTEM Auto-refine's test, §7.5);
    /// nil in the first cycle.
    public let classAverageChange: Double?

    public init(cycle: Int, rowCount: Int, softFractions: [Double], hardFractions: [Double],
                changedFraction: Double, meanLogP: Double, classAverageChange: Double?) {
        self.cycle = cycle
        self.rowCount = rowCount
        self.softFractions = softFractions
        self.hardFractions = hardFractions
        self.changedFraction = changedFraction
        self.meanLogP = meanLogP
        self.classAverageChange = classAverageChange
    }

    /// Reduces the statistics of a cycle. `occupancy` and `logP` are this rank's tables after the
    /// E-step; `bestClass` is `occupancy.argmaxPerRow()`; `previousBestClass` the same from the
    /// previous cycle (nil in the first cycle); `previous` the previous cycle's statistics.
    /// Three collectives: an Int64 sum (exact soft sums, hard counts, changed count, row count)
    /// and the two of `ExactSum.globalSums` (LogP sum).
    public static func reduce(cycle: Int, occupancy: ClassTable, logP: ClassTable, bestClass: [Int32],
                              previousBestClass: [Int32]?, previous: CycleStatistics?, active: [Bool]?,
                              communicator: any Communicator) throws -> CycleStatistics {
        let k = occupancy.classCount
        precondition(logP.rowCount == occupancy.rowCount && logP.classCount == k && bestClass.count == occupancy.rowCount)
        if let previousBestClass { precondition(previousBestClass.count == bestClass.count) }
        // Layout: [0, k) soft sums, [k, 2k) hard counts, 2k changed, 2k + 1 rows.
        var counts = [Int64](repeating: 0, count: 2 * k + 2)
        var bestLogP: [Double] = []
        bestLogP.reserveCapacity(occupancy.rowCount)
        for row in 0..<occupancy.rowCount where active?[row] ?? true {
            var best = -Double.infinity
            for c in 0..<k {
                counts[c] += ExactSum.quantise(occupancy[row, c])
                best = max(best, Double(logP[row, c]))
            }
            counts[k + Int(bestClass[row])] += 1
            if let previousBestClass, previousBestClass[row] != bestClass[row] { counts[2 * k] += 1 }
            counts[2 * k + 1] += 1
            bestLogP.append(best)
        }
        try communicator.allreduce(&counts, .sum)
        let logPSum = try ExactSum.globalSums([bestLogP], communicator: communicator)[0]
        let rows = Double(counts[2 * k + 1])
        let divisor = max(rows, 1)
        let soft = (0..<k).map { ExactSum.value(counts[$0]) / divisor / 100 }
        let change = previous.map { old in
            zip(soft, old.softFractions).reduce(0.0) { $0 + abs($1.0 - $1.1) * 100 }
        }
        return CycleStatistics(cycle: cycle, rowCount: Int(counts[2 * k + 1]), softFractions: soft,
                               hardFractions: (0..<k).map { Double(counts[k + $0]) / divisor },
                               changedFraction: Double(counts[2 * k]) / divisor,
                               meanLogP: logPSum / divisor, classAverageChange: change)
    }
}

/// Why a run stops after a cycle.
public enum StopReason: String, Sendable, Codable {
    /// The configured number of cycles has run.
    case cycleLimit
    /// Assignments are stable (see `ConvergenceCriteria`).
    case converged
}

extension ConvergenceCriteria {
    /// The stopping rule: stop at the cycle limit, or — from `minimumCycles` on — when the class
    /// averages moved less than `classAverageChange` AND fewer than `changedFraction` of the rows
    /// changed class. Returns nil to go on.
    public func stopReason(after statistics: CycleStatistics, cycleLimit: Int) -> StopReason? {
        if statistics.cycle >= cycleLimit { return .cycleLimit }
        guard statistics.cycle >= minimumCycles, let change = statistics.classAverageChange else { return nil }
        return change < classAverageChange && statistics.changedFraction < changedFraction ? .converged : nil
    }

    /// `stopReason(after: report.statistics, cycleLimit:)`, except that a cycle whose classes are
    /// indistinct (`report.indistinct`: identical maps or empty classes) is never converged: the
    /// run goes on to the cycle limit and says why.
    public func stopReason(after report: CycleReport, cycleLimit: Int) -> StopReason? {
        let reason = stopReason(after: report.statistics, cycleLimit: cycleLimit)
        return reason == .converged && report.indistinct != nil ? nil : reason
    }
}
