extension ClassificationConfig {
    /// Options that `--continue` may change: the cycle limit, the threads per rank and the
    /// checkpoint cadence. Everything else must equal the stored configuration, otherwise the
    /// continued run would not be the run that was checkpointed.
    public static let optionsChangeableOnContinue: Set<Option> = [.cycles, .threads, .checkpointEvery]

    /// The options whose values differ between `self` and `other`, in `Option.allCases` order.
    public func differingOptions(from other: ClassificationConfig) -> [Option] {
        Option.allCases.filter { !sameValue(of: $0, as: other) }
    }

    /// Validates `requested` as the configuration of a continued run whose stored configuration
    /// is `self`; throws naming every option that differs and may not change.
    public func checkContinuation(with requested: ClassificationConfig) throws {
        let refused = differingOptions(from: requested).filter { !Self.optionsChangeableOnContinue.contains($0) }
        guard !refused.isEmpty else { return }
        let allowed = Self.optionsChangeableOnContinue.map { "--\($0.rawValue)" }.sorted().joined(separator: ", ")
        let others = refused.dropFirst().map { "--\($0.rawValue)" }
        throw ConfigurationError(option: refused[0].rawValue,
                                 (others.isEmpty ? "" : "(and \(others.joined(separator: ", "))) ")
                                 + "may not change when continuing a run (only \(allowed) may)")
    }

    private func sameValue(of option: Option, as other: ClassificationConfig) -> Bool {
        switch option {
        case .formatVersion: return formatVersion == other.formatVersion
        case .classes: return classCount == other.classCount
        case .cycles: return cycles == other.cycles
        case .focus: return focus == other.focus
        case .sphere: return sphere == other.sphere
        case .mask: return maskPath == other.maskPath
        case .focusEdge: return focusEdge == other.focusEdge
        case .outerRadius: return outerRadius == other.outerRadius
        case .resolution: return classificationResolution == other.classificationResolution
        case .referenceLow: return referenceBand.low == other.referenceBand.low
        case .referenceHigh: return referenceBand.high == other.referenceBand.high
        case .mass: return molecularMass == other.molecularMass
        case .expand: return expansionGroup == other.expansionGroup
        case .seed: return seed == other.seed
        case .threads: return threads == other.threads
        case .checkpointEvery: return checkpointEvery == other.checkpointEvery
        case .stopClassChange: return convergence.classAverageChange == other.convergence.classAverageChange
        case .stopChangedFraction: return convergence.changedFraction == other.convergence.changedFraction
        case .minCycles: return convergence.minimumCycles == other.convergence.minimumCycles
        case .maskEdge: return referenceMask.edge == other.referenceMask.edge
        case .maskOutsideWeight: return referenceMask.outsideWeight == other.referenceMask.outsideWeight
        case .maskLowPass: return referenceMask.outsideLowPass == other.referenceMask.outsideLowPass
        case .maskOutside: return referenceMask.outsideSource == other.referenceMask.outsideSource
        case .regularisation: return regularisation == other.regularisation
        case .noiseGroups: return noiseGroups.mode == other.noiseGroups.mode
        case .noiseGroupMin: return noiseGroups.minimumParticles == other.noiseGroups.minimumParticles
        case .groupScale: return noiseGroups.scale == other.noiseGroups.scale
        case .whitening: return noiseGroups.whitening == other.noiseGroups.whitening
        case .particleScale: return noiseGroups.particleScale == other.noiseGroups.particleScale
        case .particleNoise: return noiseGroups.particleNoise == other.noiseGroups.particleNoise
        case .starts: return starts == other.starts
        case .startCycles: return startCycles == other.startCycles
        }
    }
}
