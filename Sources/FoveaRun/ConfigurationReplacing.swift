import FoveaClassify

extension ClassificationConfig {
    /// This configuration with the options a continued run may change replaced.
    public func replacing(cycles: Int, threads: Int, checkpointEvery: Int) throws -> ClassificationConfig {
        try ClassificationConfig(classCount: classCount, cycles: cycles, focus: focus, sphere: sphere, maskPath: maskPath,
                                 focusEdge: focusEdge, outerRadius: outerRadius,
                                 classificationResolution: classificationResolution, referenceBand: referenceBand,
                                 molecularMass: molecularMass, expansionGroup: expansionGroup, seed: seed, threads: threads,
                                 checkpointEvery: checkpointEvery, convergence: convergence, referenceMask: referenceMask,
                                 regularisation: regularisation, noiseGroups: noiseGroups,
                                 starts: starts, startCycles: startCycles)
    }
}
