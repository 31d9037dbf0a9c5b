import FoveaClassify

/// `fovea classify --continue`: the run folder's checkpoint read, and the options that may change
/// applied to its configuration — the one place a continued run's state and configuration are
/// decided. The state then enters the cycles as it is (`ClassificationStart.state(…resuming:)`).
public struct RunContinuation {
    /// The checkpoint as read (its configuration as stored).
    public let stored: RunState
    /// The stored configuration with `ClassificationConfig.optionsChangeableOnContinue` (cycles,
    /// threads, checkpoint cadence) taken from the request.
    public let config: ClassificationConfig

    /// Reads `folder`'s checkpoint; refuses one of a format the cycles can no longer continue
    /// exactly (format 1: cycles at the full box), one that is not the folder's run (`run.json`),
    /// and a request that changes any option that may not change.
    public init(folder: RunFolder, requested: ClassificationConfig) throws {
        let stored = try RunState.read(from: folder.checkpoint)
        guard stored.storedFormatVersion >= RunState.continuableFormatVersion else {
            throw RunInputError("\(folder.checkpoint): written by an older Fovea (state format \(stored.storedFormatVersion)), "
                                + "whose cycles ran at the full box; this version runs them on the classification box and "
                                + "cannot continue that run exactly: start it again in a new folder (its outputs stay readable)")
        }
        try RunManifest.checkBelongs(manifest: folder.manifest, to: stored, checkpoint: folder.checkpoint)
        let config = try stored.config.replacing(cycles: requested.cycles, threads: requested.threads,
                                                 checkpointEvery: requested.checkpointEvery)
        try stored.config.checkContinuation(with: requested)
        self.stored = stored
        self.config = config
    }
}
