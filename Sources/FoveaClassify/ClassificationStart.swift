import FoveaCore
import FoveaDistributed

/// The state a classification starts from, on this shard's rows: a new run's (seeded random
/// occupancies, class volumes from references or from the particles), or a continued run's (its
/// checkpoint's rows of this shard).
public enum ClassificationStart {
    /// The state before the first cycle. `references` nil, or one volume for K > 1 classes →
    /// reconstructed from the seeded random occupancies (cisTEM's start: K identical copies of one
    /// map would stay identical); K volumes (or one for K = 1) → used as they are, density maps at
    /// the data's box N and pixel size (RELION's scale, or Fovea's written maps). `seed` seeds the
    /// occupancies (nil: the configuration's; `ClassificationStarts` gives each start its own). Collective.
    public static func fresh(shard: ParticleShard, references: [Volume]?, seed: UInt64? = nil,
                             communicator: any Communicator) throws -> ClassificationState {
        let config = shard.config, n = shard.boxSize, p = shard.pixelSize, box = shard.cycleBox
        for (index, volume) in (references ?? []).enumerated() where volume.size != n || abs(volume.pixelSize - p) > 1e-3 * p {
            throw EngineInputError("reference \(index + 1) is \(volume.size) px at \(volume.pixelSize) Å/px; particles are \(n) px at \(p) Å/px")
        }
        if let references, references.count != 1 && references.count != config.classCount {
            throw EngineInputError("give 1 or \(config.classCount) references, not \(references.count)")
        }
        let occupancy = InitialOccupancies.table(rows: shard.rows, classCount: config.classCount, seed: seed ?? config.seed)
        var state = ClassificationState(cycle: 0, occupancy: occupancy,
                                        logP: ClassTable(rowCount: shard.rows.count, classCount: config.classCount),
                                        bestClass: nil, classVolumes: [], fscCurves: [], history: [])
        if let references, !startsFromData(referenceCount: references.count, classCount: config.classCount) {
            // Into the engine's units at the full box, then onto the cycles' grid.
            state.classVolumes = references.map { box.map(shard.densityScale.engineMap($0)) }
        } else {
            let weights = try ReconstructionWeights.compute(occupancy: occupancy, sigma: [Float](repeating: 1, count: shard.rows.count),
                                                            active: shard.active, communicator: communicator)
            let classes = try shard.reconstruct(weights: weights, classWeights: [Double](repeating: 1, count: config.classCount),
                                                maxRadius: shard.cycleInsertionRadius, communicator: communicator)
            state.classVolumes = classes.volumes
            state.fscCurves = classes.fscCurves
        }
        return state
    }

    /// A new run's state (`references` as `fresh`), or, with `resuming` (a checkpoint's global
    /// state), this shard's rows of that. Collective.
    public static func state(shard: ParticleShard, references: [Volume]?, resuming: ClassificationState?,
                             communicator: any Communicator) throws -> ClassificationState {
        if let resuming { return try shard.localState(of: resuming) }
        return try fresh(shard: shard, references: references, communicator: communicator)
    }

    /// Whether the classes start from reconstructions of the particles under the seeded random
    /// occupancies rather than from the given references: with none, and with a single
    /// reference for K > 1 classes (as RELION users pass by habit).
    public static func startsFromData(referenceCount: Int, classCount: Int) -> Bool {
        referenceCount == 0 || (referenceCount == 1 && classCount > 1)
    }

    /// What the run output says about a single reference for K > 1 classes (nil otherwise).
    public static func singleReferenceNote(referenceCount: Int, classCount: Int) -> String? {
        guard referenceCount == 1 && classCount > 1 else { return nil }
        return "one --reference for \(classCount) classes: K copies of one map would never separate, so the \(classCount) "
            + "starting maps are reconstructed from the particles with seeded random occupancies (--seed); the reference "
            + "is not used as a start"
    }
}
