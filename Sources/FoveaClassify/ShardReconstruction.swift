import FoveaCore
import FoveaDistributed

/// The class maps reconstructed from a shard's particles (the K class volumes, their half-map FSC
/// curves, and the half maps when they were kept).
public struct ReconstructedClasses {
    /// K volumes on the grid reconstructed (the cycle box N_r, or the data's box N).
    public var volumes: [Volume]
    /// Half-map FSC per class, shells 0 … V/2 of that grid.
    public var fscCurves: [[Double]]
    /// K × 2 half maps (box N) of a full-resolution reconstruction, regularised with a constant
    /// Wiener term of 1; empty for a cycle's.
    public var halfMaps: [[Volume]]
}

/// The weights a reconstruction inserts the rows with (`ReconstructionWeights`, this rank's rows × K)
/// and the class priors π_k (%) its class maps are weighted with: a cycle's, kept for the
/// full-resolution maps of a finished run.
public struct ClassWeights: Sendable {
    public let weights: ClassTable
    public let priors: [Double]
}

extension ParticleShard {
    /// Inserts every row (band-limited to `maxRadius` from the resident or streamed disc into
    /// accumulators on the cycle box, or out to N/2 from particles prepared again in full into
    /// box-N accumulators, a group of classes at a time within `accumulatorBudget` bytes), reduces
    /// over ranks and finalises, each rank its share of the classes (`ClassFinalisation.swift`).
    /// With `halfMapsTo`, each class's two half maps are handed to it (class index, [half 1, half 2];
    /// on every rank, as each class is finalised) instead of being kept in the result, so no more
    /// than one class's pair exists at once. With `spill`, the totals each owner keeps until every
    /// class's SSNR is known go to temporary files beyond `spill.keptBytes` (`ClassTotals`), read
    /// back one at a time; the maps do not depend on it. Collective.
    func reconstruct(weights: ClassTable, classWeights: [Double], maxRadius: Double?, communicator: any Communicator,
                     accumulatorBudget: Int = fullResolutionAccumulatorBudget, spill: TotalsSpill? = nil,
                     halfMapsTo receiver: ((Int, [Volume]) -> Void)? = nil) throws -> ReconstructedClasses {
        let k = config.classCount, fullResolution = maxRadius == nil
        let size = fullResolution ? boxSize : cycleBox.size, voxel = fullResolution ? pixelSize : cycleBox.pixelSize
        let layout = fullResolution ? HalfPlaneLayout.full(size: boxSize) : cycleLayout
        let perGroup = fullResolution
            ? max(1, min(k, accumulatorBudget / ClassReconstruction.bytesPerClass(size: size, padding: Self.reconstructionPadding)))
            : k
        var fsc: [[Double]] = [], ssnr: [[Double]] = [], halves: [[Volume]] = []
        let totals = ClassTotals(classCount: k, spill: fullResolution ? spill : nil)
        defer { totals.removeSpilled() }
        for first in stride(from: 0, to: k, by: perGroup) {
            var reconstruction = ClassReconstruction(classes: first..<min(k, first + perGroup), size: size,
                                                     padding: Self.reconstructionPadding)
            try insert(into: &reconstruction, weights: weights, layout: layout, maxRadius: maxRadius, communicator: communicator)
            try reconstruction.reduce(communicator: communicator)
            var group = try reconstruction.finaliseHalves(pixelSize: voxel, communicator: communicator,
                                                          keepingHalfMaps: fullResolution, handingOver: receiver)
            fsc += group.fsc; ssnr += group.ssnr; halves += group.halfMaps
            // Moved out of the group, so that a spilled total's memory is released at once.
            try ClassTotals.agreeing(communicator) {
                for (offset, classIndex) in group.classes.enumerated() {
                    guard let total = group.totals[offset] else { continue }
                    group.totals[offset] = nil
                    try totals.keep(total, ofClass: classIndex)
                }
            }
        }
        let volumes = try ClassReconstruction.classMaps(totals, ssnrs: ssnr, classWeights: classWeights,
                                                        regularisation: config.regularisation, size: size,
                                                        pixelSize: voxel, communicator: communicator)
        return ReconstructedClasses(volumes: volumes, fscCurves: fsc, halfMaps: fullResolution && receiver == nil ? halves : [])
    }

    /// Inserts every row of this rank into `reconstruction`'s classes, the particles from `layout`.
    private func insert(into reconstruction: inout ClassReconstruction, weights: ClassTable, layout: HalfPlaneLayout,
                        maxRadius: Double?, communicator: any Communicator) throws {
        let operatorCount = rows.operatorCount
        let halves = halfOfRow
        try communicator.agreeing {
            try forEachPrepared(in: layout) { chunk, prepared in
                reconstruction.insert(particles: prepared, rows: (chunk.lowerBound * operatorCount)..<(chunk.upperBound * operatorCount),
                                      particleOfRow: { $0 / operatorCount - chunk.lowerBound }, rotations: rotations,
                                      halfOfRow: { halves[$0] }, weights: weights, threads: config.threads, maxRadius: maxRadius)
            }
        }
    }

    /// Reconstructs every class out to N/2 from `state`'s occupancies with `weights` (the last
    /// cycle's; nil: computed from the occupancies with σ = 1, for a state no cycle of this process
    /// made): the class maps, half maps and FSC curves a finished run writes. The particles are read
    /// from the images and prepared again in full, a chunk at a time; the classes are reconstructed
    /// as many at a time as `accumulatorBudget` bytes of sums hold (at least one); the maps do not
    /// depend on it. With `halfMapsTo`, the half maps are handed over class by class instead of
    /// kept; with `spill`, the classes' totals beyond `spill.keptBytes` wait in temporary files
    /// (see `reconstruct`). Collective.
    public func reconstructAtFullResolution(_ state: ClassificationState, weights: ClassWeights?, communicator: any Communicator,
                                            accumulatorBudget: Int = fullResolutionAccumulatorBudget, spill: TotalsSpill? = nil,
                                            halfMapsTo receiver: ((Int, [Volume]) -> Void)? = nil) throws -> ReconstructedClasses {
        let chosen: ClassWeights
        if let weights {
            chosen = weights
        } else {
            chosen = ClassWeights(
                weights: try ReconstructionWeights.compute(occupancy: state.occupancy,
                                                           sigma: state.sigma ?? [Float](repeating: 1, count: rows.count),
                                                           active: active, communicator: communicator),
                priors: try OccupancyUpdate.classAverages(of: state.occupancy, active: active, communicator: communicator))
        }
        return try reconstruct(weights: chosen.weights, classWeights: chosen.priors, maxRadius: nil, communicator: communicator,
                               accumulatorBudget: accumulatorBudget, spill: spill, halfMapsTo: receiver)
    }
}
