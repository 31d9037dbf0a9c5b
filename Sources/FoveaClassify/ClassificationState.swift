import FoveaCore
import FoveaDistributed

/// What a classification has reached after `cycle` cycles — exactly what a checkpoint holds
/// (`RunState`, the one versioned schema that writes and reads it). The random start is not needed
/// once a cycle has run: occupancies, LogP, best classes and class volumes determine the next cycle
/// completely (`ClassificationCycle.run`).
///
/// The row tables cover either the rows of the whole job, in input order (global row = particle ·
/// operators + operator; a checkpoint's, so a continued run may use any number of ranks), or the
/// rows of one rank's shard in its order (the cycles'): `ParticleShard.gathered(_:particleCount:communicator:)`
/// and `ParticleShard.localState(of:)` convert between the two, exactly.
public struct ClassificationState: Sendable, Equatable {
    /// Cycles completed.
    public var cycle: Int
    /// Occupancies (%), rows × K (the seeded random start before the first cycle).
    public var occupancy: ClassTable
    /// LogP of the last cycle, rows × K (zeros before the first cycle).
    public var logP: ClassTable
    /// Best class (0-based) per row after the last cycle; nil before the first cycle.
    public var bestClass: [Int32]?
    /// The K class volumes the next cycle uses as references: on the cycle box N_r (pixel p·N/N_r)
    /// during a run, at the data's box N (pixel p) once the full-resolution maps are made.
    public var classVolumes: [Volume]
    /// Half-map FSC per class from the last reconstruction (shells 0 … V/2 of the volumes' box V).
    public var fscCurves: [[Double]]
    /// Reports of the cycles run so far (their statistics, resolutions and timings).
    public var history: [CycleReport]
    /// σ_r per row that the last cycle's reconstruction weights used (`--particle-noise weighted`,
    /// docs/algorithm.md §6.2), so that the full-resolution maps of a continued run weigh the rows as
    /// the uninterrupted run does; nil: σ = 1 for every row.
    public var sigma: [Float]?

    public init(cycle: Int, occupancy: ClassTable, logP: ClassTable, bestClass: [Int32]?, classVolumes: [Volume],
                fscCurves: [[Double]], history: [CycleReport], sigma: [Float]? = nil) {
        self.cycle = cycle; self.occupancy = occupancy; self.logP = logP; self.bestClass = bestClass
        self.classVolumes = classVolumes; self.fscCurves = fscCurves; self.history = history; self.sigma = sigma
    }

    /// Best class (0-based) of each row: after the last cycle, or the argmax of the start.
    public var bestClasses: [Int32] { bestClass ?? occupancy.argmaxPerRow() }
}

extension ParticleShard {
    /// The global state (the rows of all `particleCount` particles of the job) of a state over
    /// this shard's rows, on every rank. Collective. Exact: every element is one rank's value plus zeros.
    public func gathered(_ local: ClassificationState, particleCount: Int,
                         communicator: any Communicator) throws -> ClassificationState {
        let globalRowCount = particleCount * rows.operatorCount
        let best = try gatheredBestClasses(local, particleCount: particleCount, communicator: communicator)
        return ClassificationState(cycle: local.cycle, occupancy: try gathered(local.occupancy, rowCount: globalRowCount, communicator: communicator),
                                   logP: try gathered(local.logP, rowCount: globalRowCount, communicator: communicator), bestClass: best,
                                   classVolumes: local.classVolumes, fscCurves: local.fscCurves, history: local.history,
                                   sigma: try local.sigma.map {
                                       try gathered(ClassTable(rowCount: $0.count, classCount: 1, values: $0),
                                                    rowCount: globalRowCount, communicator: communicator).values
                                   })
    }

    /// Best class (0-based) of every global row after the last cycle, on every rank, or nil before
    /// the first cycle. Collective. Exact: each element is one rank's value plus zeros.
    public func gatheredBestClasses(_ local: ClassificationState, particleCount: Int,
                                    communicator: any Communicator) throws -> [Int32]? {
        guard let localBest = local.bestClass else { return nil }
        var global = [Int32](repeating: 0, count: particleCount * rows.operatorCount)
        for (index, row) in globalRows.enumerated() { global[row] = localBest[index] }
        try communicator.allreduce(&global, .sum)
        return global
    }

    /// The global table (`globalRowCount` rows) of this rank's rows of `table`, on every rank.
    /// Collective. Exact.
    func gathered(_ table: ClassTable, rowCount globalRowCount: Int, communicator: any Communicator) throws -> ClassTable {
        var global = [Float](repeating: 0, count: globalRowCount * table.classCount)
        for (local, row) in globalRows.enumerated() {
            for k in 0..<table.classCount { global[row * table.classCount + k] = table[local, k] }
        }
        try communicator.allreduce(&global, .sum)
        return ClassTable(rowCount: globalRowCount, classCount: table.classCount, values: global)
    }

    /// This shard's rows of a global state (a checkpoint's), its class volumes on the cycle box:
    /// volumes on the cycle box, or of the data's box (a finished run's full-resolution maps, or a
    /// state of an older version), which are cropped to it. Throws when the state is not of this
    /// run (another K, too few rows, volumes of another grid).
    public func localState(of global: ClassificationState) throws -> ClassificationState {
        guard global.classVolumes.count == config.classCount, global.occupancy.classCount == config.classCount else {
            throw EngineInputError("the stored state has \(global.classVolumes.count) classes; the run has \(config.classCount)")
        }
        guard global.classVolumes.allSatisfy({ $0.size == boxSize || $0.size == cycleBox.size }) else {
            throw EngineInputError("the stored class volumes are \(global.classVolumes[0].size) px; particles are \(boxSize) px "
                                   + "and the cycles' box is \(cycleBox.size) px")
        }
        guard let largest = rows.particles.max(), (largest + 1) * rows.operatorCount <= global.occupancy.rowCount else {
            throw EngineInputError("the stored state has \(global.occupancy.rowCount) rows, fewer than this input needs")
        }
        let rowsHere = globalRows
        return ClassificationState(cycle: global.cycle, occupancy: localRows(of: global.occupancy), logP: localRows(of: global.logP),
                                   bestClass: global.bestClass.map { best in rowsHere.map { best[$0] } },
                                   classVolumes: global.classVolumes.map(cycleBox.map), fscCurves: global.fscCurves,
                                   history: global.history,
                                   sigma: global.sigma.map {
                                       localRows(of: ClassTable(rowCount: $0.count, classCount: 1, values: $0)).values
                                   })
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
