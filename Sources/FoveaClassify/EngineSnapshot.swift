import FoveaCore
import FoveaDistributed

/// Everything a run needs to continue exactly where it stopped, for **all** rows of the job
/// (global row = particle · operators + operator, input order), so a continued run may use any
/// number of ranks. The random start is not needed once a cycle has run: occupancies, LogP, best
/// classes and class volumes determine the next cycle completely.
public struct EngineSnapshot: Sendable, Equatable {
    /// Cycles completed.
    public var cycle: Int
    /// Occupancies (%), global rows × K.
    public var occupancy: ClassTable
    /// LogP of the last cycle, global rows × K (zeros before the first cycle).
    public var logP: ClassTable
    /// Best class (0-based) per global row after the last cycle; nil before the first cycle.
    public var bestClass: [Int32]?
    /// The K class volumes the next cycle uses as references (box N, pixel p).
    public var classVolumes: [Volume]
    /// Half-map FSC per class from the last reconstruction (shell 0 … N/2).
    public var fscCurves: [[Double]]
    /// Reports of the cycles run so far.
    public var history: [CycleReport]

    public init(cycle: Int, occupancy: ClassTable, logP: ClassTable, bestClass: [Int32]?, classVolumes: [Volume],
                fscCurves: [[Double]], history: [CycleReport]) {
        self.cycle = cycle; self.occupancy = occupancy; self.logP = logP; self.bestClass = bestClass
        self.classVolumes = classVolumes; self.fscCurves = fscCurves; self.history = history
    }
}

extension ClassificationEngine {
    /// Global row index of each local row.
    public var globalRows: [Int] { (0..<rows.count).map(rows.globalRowIndex) }

    /// Gathers this rank's rows of `table` into the global table (rows `globalRowCount`), on
    /// every rank. Collective. Exact: every element is one rank's value plus zeros.
    public func gather(_ table: ClassTable, globalRowCount: Int) throws -> ClassTable {
        var global = [Float](repeating: 0, count: globalRowCount * table.classCount)
        for (local, row) in globalRows.enumerated() {
            for k in 0..<table.classCount { global[row * table.classCount + k] = table[local, k] }
        }
        try communicator.allreduce(&global, .sum)
        return ClassTable(rowCount: globalRowCount, classCount: table.classCount, values: global)
    }

    /// Best class (0-based) of every global row after the last cycle, on every rank, or nil before
    /// the first cycle. Collective. Exact: each element is one rank's value plus zeros.
    public func gatherBestClasses(particleCount: Int) throws -> [Int32]? {
        guard let local = bestClassesIfRun else { return nil }
        var global = [Int32](repeating: 0, count: particleCount * rows.operatorCount)
        for (index, row) in globalRows.enumerated() { global[row] = local[index] }
        try communicator.allreduce(&global, .sum)
        return global
    }

    /// The state of the whole job, on every rank. Collective.
    /// - Parameter particleCount: the number of particles in the whole input table.
    public func snapshot(particleCount: Int) throws -> EngineSnapshot {
        let globalRowCount = particleCount * rows.operatorCount
        let best = try gatherBestClasses(particleCount: particleCount)
        return EngineSnapshot(cycle: cycle, occupancy: try gather(occupancy, globalRowCount: globalRowCount),
                              logP: try gather(logP, globalRowCount: globalRowCount), bestClass: best,
                              classVolumes: classVolumes, fscCurves: fscCurves, history: history)
    }

    /// This rank's rows of a global table.
    func localRows(of table: ClassTable) -> ClassTable {
        var local = ClassTable(rowCount: rows.count, classCount: table.classCount)
        for (index, row) in globalRows.enumerated() {
            for k in 0..<table.classCount { local[index, k] = table[row, k] }
        }
        return local
    }
}
