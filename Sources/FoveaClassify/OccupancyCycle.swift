import FoveaDistributed

/// One occupancy step of the cycle, composed from the pieces in the order of §2 step 3 and §7:
/// priors from the previous occupancies (all rows) → E-step → σ update → best classes →
/// statistics. Everything global is reduced with `ExactSum`, so the result is bit-identical for
/// any number of ranks and any sharding of the rows.
public struct OccupancyCycle: Sendable {
    /// New occupancies (%), rows × K.
    public let occupancy: ClassTable
    /// Updated σ per row (§7.2).
    public let sigma: [Float]
    /// Argmax class per row.
    public let bestClass: [Int32]
    /// The priors π_k (%) that were used.
    public let priors: [Double]
    /// The cycle's statistics.
    public let statistics: CycleStatistics

    /// Runs the step for this rank's rows. `logP` and `sigmaPerClass` come from the likelihood
    /// step of this cycle; `previous` holds the previous occupancies (the random start in cycle 1);
    /// `previousBestClass` nil means "use the argmax of `previous`".
    public init(cycle: Int, logP: ClassTable, sigmaPerClass: ClassTable, previous: ClassTable,
                previousBestClass: [Int32]?, previousStatistics: CycleStatistics?, active: [Bool]?,
                communicator: any Communicator, cut: Double = OccupancyUpdate.defaultLogPCut) throws {
        precondition(previous.rowCount == logP.rowCount && previous.classCount == logP.classCount)
        priors = try OccupancyUpdate.classPriors(previous: previous, communicator: communicator)
        occupancy = OccupancyUpdate.expectationStep(logP: logP, priors: priors, cut: cut)
        sigma = OccupancyUpdate.updatedSigma(perClass: sigmaPerClass, occupancy: occupancy)
        bestClass = occupancy.argmaxPerRow()
        statistics = try CycleStatistics.reduce(cycle: cycle, occupancy: occupancy, logP: logP, bestClass: bestClass,
                                                previousBestClass: previousBestClass ?? previous.argmaxPerRow(),
                                                previous: previousStatistics, active: active, communicator: communicator)
    }
}
