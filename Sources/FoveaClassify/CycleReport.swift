import FoveaCore

/// What one cycle produced, for progress lines, logs and checkpoints.
public struct CycleReport: Sendable, Equatable, Codable {
    public let statistics: CycleStatistics
    /// FSC-0.143 resolution (Å) per class from the half maps.
    public let resolutions: [Double]
    /// Wall-clock seconds the cycle took on this rank.
    public let seconds: Double
    /// Classes that are the same map or empty after this cycle (nil: every class distinct; absent
    /// from the histories of older runs).
    public let indistinct: IndistinctClasses?

    public init(statistics: CycleStatistics, resolutions: [Double], seconds: Double, indistinct: IndistinctClasses? = nil) {
        self.statistics = statistics; self.resolutions = resolutions; self.seconds = seconds; self.indistinct = indistinct
    }
}
