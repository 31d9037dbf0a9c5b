import FoveaClassify
import FoveaCore
import FoveaDistributed

/// Test support only: a shard, its state and a communicator held together, with a tiny loop over
/// `ClassificationCycle.run` so that tests can drive cycles without a run folder. The production
/// loop over cycles is `ClassificationRun`'s (FoveaRun); this one adds nothing to a cycle.
public final class ClassificationEngine {
    public private(set) var shard: ParticleShard
    /// This shard's rows of the state after the last cycle (the start before).
    public private(set) var state: ClassificationState
    /// The K × 2 half maps of `reconstructAtFullResolution()` (empty before it).
    public private(set) var halfMaps: [[Volume]] = []
    let communicator: any Communicator
    /// The weights of the last cycle this process ran (for the full-resolution maps).
    private var lastWeights: ClassWeights?

    /// In-memory particles (`ParticleShard(config:particles:…)`), then the start or the resumed state. Collective.
    public init(config: ClassificationConfig, particles: consuming [ParticleInput], references: [Volume]?, focusMask: Volume?,
                communicator: any Communicator, resumingFrom resume: ClassificationState? = nil,
                storage: ParticleStorage = .memory) throws {
        shard = try ParticleShard(config: config, particles: particles, focusMask: focusMask, communicator: communicator,
                                  storage: storage)
        state = try ClassificationStart.state(shard: shard, references: references, resuming: resume, communicator: communicator)
        self.communicator = communicator
    }

    /// Particles read from `images` (`ParticleShard(config:alignments:images:…)`), then the start. Collective.
    public init(config: ClassificationConfig, alignments: [ParticleAlignment], images: any ParticleImageSource,
                references: [Volume]?, focusMask: Volume?, communicator: any Communicator,
                resumingFrom resume: ClassificationState? = nil, storage: ParticleStorage = .memory) throws {
        shard = try ParticleShard(config: config, alignments: alignments, images: images, focusMask: focusMask,
                                  communicator: communicator, storage: storage)
        state = try ClassificationStart.state(shard: shard, references: references, resuming: resume, communicator: communicator)
        self.communicator = communicator
    }

    public var config: ClassificationConfig { shard.config }
    public var rows: ExpandedRows { shard.rows }
    public var boxSize: Int { shard.boxSize }
    public var pixelSize: Double { shard.pixelSize }
    public var croppedSize: Int { shard.croppedSize }
    public var cycleBox: CycleBox { shard.cycleBox }
    public var storage: ParticleStorage { shard.storage }
    public var densityScale: MapDensityScale { shard.densityScale }
    public var cycle: Int { state.cycle }
    public var occupancy: ClassTable { state.occupancy }
    public var logP: ClassTable { state.logP }
    public var classVolumes: [Volume] { state.classVolumes }
    public var fscCurves: [[Double]] { state.fscCurves }
    public var history: [CycleReport] { state.history }
    public var bestClasses: [Int32] { state.bestClasses }
    public var cycleInsertionRadius: Double { shard.cycleInsertionRadius }

    /// One cycle. Collective.
    @discardableResult
    public func runCycle() throws -> CycleReport {
        let outcome = try ClassificationCycle.run(state, shard: shard, communicator: communicator)
        state = outcome.state
        lastWeights = outcome.weights
        return outcome.report
    }

    /// Cycles until the stopping rule says stop (none when the state already meets it) or
    /// `afterCycle` returns false; returns the rule's reason, nil when `afterCycle` ended it.
    @discardableResult
    public func run(afterCycle: (CycleReport, StopReason?) throws -> Bool = { _, _ in true }) throws -> StopReason? {
        var reason = ClassificationCycle.stopReason(at: state, config: config)
        while reason == nil {
            let report = try runCycle()
            reason = ClassificationCycle.stopReason(at: state, config: config)
            guard try afterCycle(report, reason) else { return reason }
        }
        return reason
    }

    /// The full-resolution class maps, FSC curves and half maps into the state (with `halfMapsTo`,
    /// the half maps are handed to it class by class instead of kept; with `spill`, the class
    /// totals beyond its kept bytes wait in files). Collective.
    public func reconstructAtFullResolution(releasingParticles: Bool = false,
                                            accumulatorBudget: Int = ParticleShard.fullResolutionAccumulatorBudget,
                                            spill: TotalsSpill? = nil,
                                            halfMapsTo receiver: ((Int, [Volume]) -> Void)? = nil) throws {
        if releasingParticles { shard = shard.releasingResidentParticles() }
        halfMaps = []
        let classes = try shard.reconstructAtFullResolution(state, weights: lastWeights, communicator: communicator,
                                                            accumulatorBudget: accumulatorBudget, spill: spill,
                                                            halfMapsTo: receiver)
        state.classVolumes = classes.volumes
        state.fscCurves = classes.fscCurves
        halfMaps = classes.halfMaps
    }

    /// The state of the whole job, on every rank. Collective.
    public func snapshot(particleCount: Int) throws -> ClassificationState {
        try shard.gathered(state, particleCount: particleCount, communicator: communicator)
    }
}
