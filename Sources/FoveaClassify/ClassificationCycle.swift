import Dispatch
import FoveaCore
import FoveaDistributed

/// One cycle of the focused classification (docs/algorithm.md §2) as a function: from the state
/// after cycle c and this rank's shard to the state after cycle c + 1. Pure: no file I/O and no MPI
/// calls of its own (only the `Communicator`'s collectives), so the same code runs on one process
/// or many, and every rank ends each cycle with identical class volumes. The loop over cycles is
/// the job's (`ClassificationRun` in FoveaRun).
public enum ClassificationCycle {
    /// A cycle's result: the next state (this shard's rows), its report (also appended to the
    /// state's history) and the weights it reconstructed with (for the full-resolution maps).
    public struct Outcome {
        public let state: ClassificationState
        public let report: CycleReport
        public let weights: ClassWeights
    }

    /// Runs one cycle on `state` (this shard's rows, class volumes on the cycle box or the data's):
    /// references → LogP → occupancies → reconstruction → statistics. Collective.
    public static func run(_ state: ClassificationState, shard: ParticleShard,
                           communicator: any Communicator) throws -> Outcome {
        let start = DispatchTime.now().uptimeNanoseconds
        let config = shard.config, k = config.classCount, rows = shard.rows, croppedSize = shard.croppedSize
        VolumeThreads.count = config.threads
        let priors = try OccupancyUpdate.classAverages(of: state.occupancy, active: shard.active, communicator: communicator)
        // After the full-resolution pass the maps are of box N: a further cycle crops them.
        let references = try PreparedReferences.prepare(volumes: state.classVolumes.map(shard.cycleBox.map), config: config,
                                                    focusMask: shard.cycleFocusMask,
                                                    classWeights: priors, croppedSize: croppedSize,
                                                    communicator: communicator)
        let values = SharedSlots<Float>(repeating: 0, count: rows.count * k)
        let operatorCount = rows.operatorCount
        try communicator.agreeing {
            try shard.forEachPrepared(in: shard.cycleLayout) { chunk, prepared in
                let firstRow = chunk.lowerBound * operatorCount
                ParallelChunks.run(count: chunk.count * operatorCount, threads: config.threads,
                                   makeState: { LikelihoodEvaluation.Workspace(size: croppedSize, bandRows: shard.likelihoodRows, classCount: k) }) { workspace, range in
                    shard.evaluation.evaluate(rows: (range.lowerBound + firstRow)..<(range.upperBound + firstRow), particles: prepared,
                                              particleOfRow: { $0 / operatorCount - chunk.lowerBound },
                                              rotations: shard.rotations, regions: shard.regions, references: references,
                                              workspace: workspace, logP: values, classCount: k)
                }
            }
        }
        var logP = ClassTable(rowCount: rows.count, classCount: k, values: values.values)
        // A non-finite LogP (an image of extreme values) would stop the E-step; every rank learns of it.
        let particles = shard.globalIndex
        try communicator.agreeing {
            if let bad = logP.values.firstIndex(where: { !$0.isFinite }) {
                throw EngineInputError("particle \(particles[bad / k / operatorCount] + 1): its log-likelihood is not finite in cycle "
                                       + "\(state.cycle + 1) (an image with extreme values, or a constant background?)")
            }
        }
        // Per-particle noise levels σ_i² (§6.2): LogP ÷ σ_i², and with `weighted` the insertion weight too.
        var sigma = ClassTable(rowCount: rows.count, classCount: k, repeating: 1)
        let noiseMode = config.noiseGroups.particleNoise
        if noiseMode != .off {
            let levels = try shard.particleNoiseLevels(logP: logP, communicator: communicator)
            logP = ParticleNoiseLevel.scaled(logP, levels: levels, operatorCount: operatorCount)
            if noiseMode == .weighted {
                for row in 0..<rows.count {
                    let level = Float(levels[row / operatorCount].squareRoot())
                    for c in 0..<k { sigma[row, c] = level }
                }
            }
        }
        let step = try OccupancyCycle(cycle: state.cycle + 1, logP: logP, sigmaPerClass: sigma,
                                      previous: state.occupancy, previousBestClass: state.bestClass,
                                      previousStatistics: state.history.last?.statistics, active: shard.active,
                                      communicator: communicator)
        let weights = try ReconstructionWeights.compute(occupancy: step.occupancy, sigma: step.sigma, active: shard.active,
                                                        communicator: communicator)
        let classes = try shard.reconstruct(weights: weights, classWeights: step.priors, maxRadius: shard.cycleInsertionRadius,
                                            communicator: communicator)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let box = shard.cycleBox
        let report = CycleReport(statistics: step.statistics,
                                 resolutions: classes.fscCurves.map {
                                     FourierShellCorrelation.resolution(of: $0, size: box.size, pixelSize: box.pixelSize)
                                 }, seconds: seconds,
                                 indistinct: IndistinctClasses.find(volumes: classes.volumes, hardFractions: step.statistics.hardFractions,
                                                                    region: shard.comparisonRegion))
        let next = ClassificationState(cycle: state.cycle + 1, occupancy: step.occupancy, logP: logP, bestClass: step.bestClass,
                                       classVolumes: classes.volumes, fscCurves: classes.fscCurves,
                                       history: state.history + [report], sigma: noiseMode == .weighted ? step.sigma : nil)
        return Outcome(state: next, report: report, weights: ClassWeights(weights: weights, priors: step.priors))
    }

    /// Why the stopping rule ends the run at `state` (nil: more cycles), under `config`'s
    /// convergence rule and cycle limit; a state before its first cycle never stops.
    public static func stopReason(at state: ClassificationState, config: ClassificationConfig) -> StopReason? {
        state.history.last.flatMap { config.convergence.stopReason(after: $0, cycleLimit: config.cycles) }
    }
}
