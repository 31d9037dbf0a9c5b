import Foundation
import FoveaAnalysis
import FoveaClassify
import FoveaCore
import FoveaDistributed
import FoveaIO

/// What `fovea classify` was asked to do.
public struct RunRequest: Sendable {
    public var config: ClassificationConfig
    public var inputs: RunInputPaths
    /// The run folder.
    public var output: String
    /// Continue the run in `output` from its checkpoint (`config` then only supplies the options
    /// that may change: cycles, threads, checkpoint cadence).
    public var continuing: Bool
    public var commandLine: [String]
    /// A simulator's truth.star: rank 0 then scores every cycle (`fovea kappa`'s measures, the mask
    /// on side A) and logs kappa with the progress. For validation runs only.
    public var truth: String?
    /// Stream every rank's particles from disk each cycle even when they would fit in memory
    /// (a rank whose prepared particles do not fit streams anyway).
    public var streaming: Bool
    /// The run folder is a RELION job folder (`--relion-job`): the files RELION puts there before
    /// the job starts (`RelionIterationFiles.isRelionJobFile`) do not count against "new or empty".
    public var relionJob: Bool

    public init(config: ClassificationConfig, inputs: RunInputPaths, output: String, continuing: Bool,
                commandLine: [String], truth: String? = nil, streaming: Bool = false, relionJob: Bool = false) {
        self.config = config; self.inputs = inputs; self.output = output
        self.continuing = continuing; self.commandLine = commandLine; self.truth = truth; self.streaming = streaming
        self.relionJob = relionJob
    }
}

/// How a run ended.
public enum RunOutcome: Sendable, Equatable {
    case finished(StopReason)
    /// Stopped by a signal after writing the checkpoint of this cycle.
    case checkpointed(cycle: Int, signal: Int32)
}

/// One classification job on this rank: inputs → shard and starting state → cycles with progress and checkpoints →
/// outputs. Every rank runs it collectively; only rank 0 writes files.
public final class ClassificationRun {
    public let request: RunRequest
    public let communicator: any Communicator
    private let say: (String) -> Void
    /// Called on rank 0 after each checkpoint of the cycles and after the final outputs (e.g. to
    /// refresh the HTML report; not between the final pass's checkpoint and its outputs, while the
    /// run still holds its K class maps); its errors are reported, not fatal.
    public var afterWrite: ((RunFolder) throws -> Void)?

    /// - Parameter say: rank 0's progress and messages (standard output in the CLI).
    public init(request: RunRequest, communicator: any Communicator, say: @escaping (String) -> Void) {
        self.request = request
        self.communicator = communicator
        self.say = say
    }

    /// Rank 0's lock of the run folder, held from the input checks to the end of `execute`.
    private var folderLock: RunFolderLock?
    /// The run folder, when this run created it.
    private var createdFolder: String?

    private func notifyWritten(_ folder: RunFolder) {
        guard communicator.isRoot, let afterWrite else { return }
        do { try afterWrite(folder) } catch { say("note: could not refresh the report: \(error)") }
    }

    /// Runs the job to its end or to a stop signal.
    public func execute() throws -> RunOutcome {
        let folder = RunFolder(request.output)
        defer {
            folderLock?.release()
            // A folder this run created and never wrote to (it stopped on an input error) goes again.
            if let createdFolder { rmdir(createdFolder) }
        }
        // Held once (no second copy of the shard), so that releasing its resident particles frees them.
        let setup: Setup
        var shard: ParticleShard, state: ClassificationState
        var startReferences: [Volume]?
        (setup, shard, state, startReferences) = try prepare(try communicator.agreeing { try self.loadInputs(folder: folder) })
        let config = shard.config
        // A truth of another dataset is refused before the run folder is touched.
        var truth = try request.truth.map { try TruthTable(path: $0) }
        try truth?.requireParticles(count: setup.table.count, of: setup.inputs.particles)
        if communicator.isRoot {
            try RunManifest.writeStart(to: folder.manifest, request: request, config: config, ranks: communicator.size,
                                       particleCount: setup.table.count, resumedAt: request.continuing ? state.cycle : nil)
            say("fovea classify: \(setup.table.count) particles × \(config.operatorCount) operators on \(communicator.size) rank(s) × "
                + "\(config.threads) thread(s), K = \(config.classCount), focus \(config.focus.rawValue), box \(shard.boxSize) "
                + "(likelihood at \(shard.croppedSize), cycles on a \(shard.cycleBox.size)-px grid), \(config.cycles) cycles" + (request.continuing ? ", continuing after cycle \(state.cycle)" : ""))
            if let scales = shard.whitening.groupScales, let low = scales.min(), let high = scales.max() {
                say("noise groups: \(scales.count), group scales \(DecimalText.text(low, digits: 3))–\(DecimalText.text(high, digits: 3))")
            }
            if shard.whitening.particleScales != nil {
                say("particle scales \(DecimalText.text(Double(shard.whitening.smallestParticleScale), digits: 3))–"
                    + "\(DecimalText.text(Double(shard.whitening.largestParticleScale), digits: 3)) (--particle-scale on)")
            }
        }
        let reporter = ProgressReporter(logPath: communicator.isRoot ? folder.progressLog : nil,
                                        print: communicator.isRoot ? say : { _ in })
        // The one loop over cycles: each a `ClassificationCycle.run`, then this job's work between
        // cycles (progress, kappa, checkpoints, stop signals). None when the state already meets
        // the stopping rule (a finished run continued).
        var stoppedBy: Int32 = 0
        var lastWeights: ClassWeights?
        if config.starts > 1 && state.cycle == 0 {
            let choice = try runStarts(from: state, shard: shard, references: startReferences)
            startReferences = nil
            (state, lastWeights) = (choice.state, choice.weights)
            // The chosen start's cycles go into the log as the run's first cycles.
            for report in state.history { reporter.report(report, cycles: config.cycles, printing: false) }
            let signal = try communicator.allreduce(StopSignal.pending, .max)
            if signal != 0 && ClassificationCycle.stopReason(at: state, config: config) == nil {
                try writeCheckpoint(state, shard: shard, setup: setup, folder: folder)
                stoppedBy = signal
            }
        }
        var finished = ClassificationCycle.stopReason(at: state, config: config)
        while finished == nil && stoppedBy == 0 {
            let outcome = try ClassificationCycle.run(state, shard: shard, communicator: communicator)
            state = outcome.state
            lastWeights = outcome.weights
            finished = ClassificationCycle.stopReason(at: state, config: config)
            var kappa: Double?
            if let table = truth {
                do { kappa = try self.kappa(of: state, shard: shard, particleCount: setup.table.count, truth: table) } catch {
                    // The scoring is a side show: say why once and classify on.
                    if communicator.isRoot { say("note: no kappa per cycle: \(error)") }
                    truth = nil
                }
            }
            reporter.report(outcome.report, cycles: config.cycles, kappa: kappa)
            // One value on every rank, so every rank leaves the loop after the same cycle.
            let signal = try communicator.allreduce(StopSignal.pending, .max)
            if finished == nil && (signal != 0 || state.cycle % config.checkpointEvery == 0) {
                try writeCheckpoint(state, shard: shard, setup: setup, folder: folder)
            }
            if finished == nil && signal != 0 { stoppedBy = signal }
        }
        guard let reason = finished else {
            if communicator.isRoot {
                say("\(StopSignal.name(stoppedBy)) received: stopped after cycle \(state.cycle); checkpoint written to "
                    + "\(folder.checkpoint); continue with: fovea classify --continue \(folder.path)")
                try RunManifest.writeEnd(to: folder.manifest, ending: .checkpointed(cycle: state.cycle, signal: StopSignal.name(stoppedBy)))
                notifyWritten(folder)  // the report then says "stopped at cycle N (checkpoint)", not "running"
            }
            return .checkpointed(cycle: state.cycle, signal: stoppedBy)
        }
        // Cycles reconstruct out to the likelihood band only; the maps written are full resolution.
        // The cycles' prepared particles are freed first, so writing the outputs needs no more memory;
        // the half maps are written class by class as they are finalised (rank 0), not held. A
        // failed write is thrown on rank 0 where the other outputs are written, after the collectives.
        // Its Float64 sums stay within the memory budget (`FinalPassMemory`): the group size is the
        // same on every rank (the smallest budget), the totals beyond it wait in the run folder.
        shard = shard.releasingResidentParticles()
        var halfMapFailure: (any Error)?
        let isRoot = communicator.isRoot, densityScale = shard.densityScale
        let memory = FinalPassMemory(available: MemoryBudget.perRankHere(), held: MemoryBudget.residentBytesHere() ?? 0,
                                     box: shard.boxSize, classes: config.classCount)
        let accumulatorBudget = Int(try communicator.allreduce(Int64(memory.accumulatorBudget), .min))
        var maps: ReconstructedClasses? = try shard.reconstructAtFullResolution(state, weights: lastWeights, communicator: communicator,
                                                         accumulatorBudget: accumulatorBudget,
                                                         spill: TotalsSpill(directory: folder.path, keptBytes: memory.keptTotalsBytes),
                                                         halfMapsTo: { k, halves in
            guard isRoot, halfMapFailure == nil else { return }
            do {
                try RunOutputs.writeHalfMaps(halves, ofClass: k, densityScale: densityScale, folder: folder)
            } catch { halfMapFailure = error }
        })
        let halfMaps = maps?.halfMaps ?? []
        (state.classVolumes, state.fscCurves) = (maps?.volumes ?? [], maps?.fscCurves ?? [])
        maps = nil
        // The report is refreshed once the outputs are written and the K maps released, not here:
        // made now, it would hold its own K maps beside the run's (≈ 2 × 1 GB at box 320, K = 8).
        var written: RunState? = try writeCheckpoint(state, shard: shard, setup: setup, folder: folder, refreshingReport: false)
        if communicator.isRoot {
            if let halfMapFailure { throw halfMapFailure }
            if let written {
                try RunOutputs.write(folder: folder, state: written, halfMaps: halfMaps, table: setup.table,
                                     tablePath: setup.inputs.particles)
            }
            try RunManifest.writeEnd(to: folder.manifest, ending: .finished(cycle: state.cycle, reason: reason == .converged ? "converged" : "cycle limit"))
            // The class maps are in the files now; the report reads them from there (held here
            // too, they would add K box-N maps to what the report holds).
            (written, state.classVolumes) = (nil, [])
            notifyWritten(folder)
            say("finished (\(reason.rawValue == "converged" ? "converged" : "cycle limit")) after cycle \(state.cycle): "
                + "classes in \(folder.path)/class_*.mrc, particles in \(folder.particles), everything in \(folder.state)")
            if let indistinct = state.history.last?.indistinct {
                say("warning: the classes did not separate: \(indistinct) after the last cycle; see docs/troubleshooting.md")
            }
        }
        return .finished(reason)
    }

    /// `--starts M`: runs the M starts for `--start-cycles` cycles each (no checkpoints; progress
    /// lines say which start), says the mean LogPs and which start won, and returns its choice. A
    /// stop signal skips the starts not yet run. Collective.
    private func runStarts(from first: ClassificationState, shard: ParticleShard,
                           references: [Volume]?) throws -> ClassificationStarts.Choice {
        let config = shard.config
        var current = 1
        let startReporter = ProgressReporter(logPath: nil, print: communicator.isRoot
                                             ? { [say] in say("start \(current)/\(config.starts): " + $0) } : { _ in })
        if communicator.isRoot {
            say("\(config.starts) starts (seeds derived from --seed \(config.seed)), \(config.startCycles) cycles each; "
                + "the one with the highest mean LogP continues")
        }
        let choice = try ClassificationStarts.choose(
            first: first, shard: shard, references: references, communicator: communicator,
            afterCycle: { start, report in
                current = start
                startReporter.report(report, cycles: config.startCycles)
            },
            stopRequested: { try self.communicator.allreduce(StopSignal.pending, .max) != 0 })
        if communicator.isRoot {
            let logPs = choice.trials.map { "start \($0.start) (seed \($0.seed)) " + String(format: "%.3f", $0.meanLogP) }
            let skipped = choice.trials.count < config.starts
                ? " (starts \(choice.trials.count + 1)–\(config.starts) not run: stop signal)" : ""
            say("starts: mean LogP after cycle \(config.startCycles): \(logPs.joined(separator: ", "))\(skipped); "
                + "start \(choice.chosen) has the highest and continues")
        }
        return choice
    }

    /// Kappa of the current best classes against `truth` (collective; the value on rank 0).
    private func kappa(of state: ClassificationState, shard: ParticleShard, particleCount: Int, truth: TruthTable) throws -> Double? {
        let ops = shard.rows.operatorCount
        // Every cycle has run before this is called, so the best classes exist.
        guard let best = try shard.gatheredBestClasses(state, particleCount: particleCount, communicator: communicator) else { return nil }
        guard communicator.isRoot else { return nil }
        let states = try truth.states(particles: best.indices.map { $0 / ops + 1 }, operators: best.indices.map { $0 % ops + 1 },
                                      property: .label, maskSide: .a)
        return KappaScore(classes: best.map { Int($0) + 1 }, states: states).pooled.kappa
    }

    struct Setup {
        let table: ParticleTable
        let inputs: RunInputPaths
    }

    /// Prepares this rank's shard and the state the run starts from (new, or the checkpoint's), and
    /// the references the further starts need (`--starts`); the raw images in `loaded` are released when this returns. Collective.
    private func prepare(_ loaded: consuming LoadedInputs) throws -> (Setup, ParticleShard, ClassificationState, [Volume]?) {
        do {
            let shard = try ParticleShard(config: loaded.config, alignments: loaded.alignments, images: loaded.images,
                                          focusMask: loaded.mask, communicator: communicator, storage: loaded.storage)
            let state = try ClassificationStart.state(shard: shard, references: loaded.references,
                                                      resuming: loaded.resume?.classification, communicator: communicator)
            // The references are kept only for the further starts of a new run (`--starts`).
            let startReferences = loaded.resume == nil && loaded.config.starts > 1 ? loaded.references : nil
            return (Setup(table: loaded.table, inputs: loaded.inputs), shard, state, startReferences)
        } catch let error as RankFailure {
            throw error
        } catch let error as EngineInputError {
            // The engine's checks outside an agreement see the same values on every rank.
            throw RankFailure.here(error, everyRank: true)
        } catch {
            throw RankFailure.here(error, everyRank: false)
        }
    }

    struct LoadedInputs {
        let config: ClassificationConfig
        let inputs: RunInputPaths
        let table: ParticleTable
        let alignments: [ParticleAlignment]
        let images: StackImageSource
        let storage: ParticleStorage
        let references: [Volume]?
        let mask: Volume?
        let resume: RunState?
    }

    /// Reads the inputs (or the checkpoint), shards and loads this rank's images. No collectives.
    private func loadInputs(folder: RunFolder) throws -> LoadedInputs {
        var config = request.config
        var inputs = request.inputs
        var resumeState: RunState?
        if request.continuing {
            let continuation = try RunContinuation(folder: folder, requested: request.config)
            config = continuation.config
            inputs = continuation.stored.inputs
            resumeState = continuation.stored
        }
        let table = try ParticleTableLoading.load(inputs)
        if communicator.isRoot, let notice = table.unmodelledOpticsNotice(file: inputs.particles) { say(notice) }
        if communicator.isRoot, !request.continuing, let notice = RankParticles.halfSetNotice(for: table, tablePath: inputs.particles) {
            say(notice)
        }
        if let resumeState, resumeState.particleCount != table.count {
            throw RunInputError("\(inputs.particles) now has \(table.count) particles; the checkpoint was made with \(resumeState.particleCount)")
        }
        guard table.count >= communicator.size else {
            throw RunInputError("\(communicator.size) ranks but only \(table.count) particles: every rank needs at least one particle; use fewer ranks")
        }
        let plan = ShardingPlan(table: table, tablePath: inputs.particles, ranks: communicator.size)
        let mine = plan.particles(forRank: communicator.rank)
        let boxes = try RunPlan.boxes(of: table, tablePath: inputs.particles, config: config)
        guard let firstMine = mine.first else {
            throw RunInputError("rank \(communicator.rank) received no particles (\(table.count) particles over "
                                + "\(communicator.size) ranks); use fewer ranks")
        }
        let pixel = table.particles[firstMine].pixelSize
        let available = MemoryBudget.perRankHere()
        // The budget covers the whole process: what it holds already plus what the run will add.
        let held = MemoryBudget.residentBytesHere() ?? 0
        let inMemory = held + RunPlan.estimatedBytes(count: mine.count, boxes: boxes, pixelSize: pixel, config: config,
                                                     ranks: communicator.size)
        let streamed = held + RunPlan.estimatedBytes(count: mine.count, boxes: boxes, pixelSize: pixel, config: config,
                                                     streaming: true, ranks: communicator.size)
        // Neither estimate fits: stop here with the estimate and a rank count (nothing read yet).
        guard let storage = MemoryBudget.storage(inMemory: inMemory, streamed: streamed, available: available,
                                                 forced: request.streaming) else {
            throw RunInputError(MemoryBudget.problem(needed: streamed, available: available, particles: mine.count,
                                                     ranks: communicator.size) ?? "not enough memory")
        }
        if storage != .memory {
            let reason = request.streaming ? "as asked by --stream"
                : String(format: "keeping them in memory would need about %.0f MiB, more than the %.0f MiB this rank may use",
                         inMemory / 1_048_576, (available ?? 0) / 1_048_576)
            say("rank \(communicator.rank): streaming its \(mine.count) particles from disk every cycle (\(reason))")
        }
        let halfSets = RankParticles.halfSets(of: table, seed: config.seed)
        if let note = halfSets.reassignment, communicator.isRoot { say("note: \(note)") }
        let noiseGroups = NoiseGroupAssignment(table: table, settings: config.noiseGroups)
        if communicator.isRoot {
            say(noiseGroups.notice.map { "note: \($0)" } ?? "noise spectra: \(noiseGroups.groupCount) group(s) (--noise-groups \(config.noiseGroups.mode.rawValue))")
        }
        let alignments = RankParticles.alignments(mine, of: table, halfSets: halfSets, noiseGroups: noiseGroups)
        let images = StackImageSource(mine, of: table, tablePath: inputs.particles, box: boxes.n,
                                      invertContrast: inputs.resolvedInvertContrast)
        let box = boxes.n
        let references = resumeState != nil ? nil : try inputs.references.isEmpty ? nil : inputs.references.map {
            try RankParticles.loadVolume($0, role: "reference", box: box, pixelSize: pixel)
        }
        if let note = ClassificationStart.singleReferenceNote(referenceCount: references?.count ?? 0, classCount: config.classCount),
           communicator.isRoot {
            say("note: \(note)")
        }
        let mask = try inputs.mask.map { try RankParticles.loadVolume($0, role: "focus mask", box: box, pixelSize: pixel) }
        // Last, so that a run refused for its inputs leaves no folder behind.
        if communicator.isRoot { try lockFolder(folder) }
        return LoadedInputs(config: config, inputs: inputs, table: table, alignments: alignments, images: images,
                            storage: storage, references: references, mask: mask, resume: resumeState)
    }

    /// Rank 0: takes the run folder's lock; a new run's folder must be new or empty, a continued
    /// run's leftover temporaries (of a run that died while writing) are removed. Says what it did.
    private func lockFolder(_ folder: RunFolder) throws {
        if !request.continuing && OutputGuard.identity(of: folder.path) == nil {
            try OutputGuard.createFolder(folder.path)
            createdFolder = folder.path
        }
        let lock = try RunFolderLock.acquire(folder: folder.path, continuing: request.continuing)
        if !request.continuing {
            do {
                try OutputGuard.requireNewOrEmptyRunFolder(folder.path,
                                                           ignoring: request.relionJob ? RelionIterationFiles.isRelionJobFile : { _ in false })
            } catch { lock.release(); throw error }
        }
        folderLock = lock
        if let dead = lock.replaced {
            say("note: took over the lock of a run that is no longer running (\(dead))")
        }
        if request.continuing {
            let removed = OutputGuard.removeLeftoverTemporaries(in: folder.path)
            if !removed.isEmpty {
                say("note: removed \(removed.count) unfinished temporary file(s) of an interrupted write: "
                    + removed.joined(separator: ", "))
            }
        }
    }

    /// Gathers `local` (this shard's rows) into the job's state and writes it as the checkpoint
    /// (rank 0). Collective.
    @discardableResult
    private func writeCheckpoint(_ local: ClassificationState, shard: ParticleShard, setup: Setup,
                                 folder: RunFolder, refreshingReport: Bool = true) throws -> RunState {
        let global = try shard.gathered(local, particleCount: setup.table.count, communicator: communicator)
        let state = RunState(config: shard.config, inputs: setup.inputs, particleCount: setup.table.count,
                             boxSize: shard.boxSize, pixelSize: shard.pixelSize, classification: global,
                             densityScale: shard.densityScale)
        if communicator.isRoot {
            try state.write(to: folder.checkpoint)
            if refreshingReport { notifyWritten(folder) }
        }
        return state
    }
}
