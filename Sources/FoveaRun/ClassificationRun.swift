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

/// One classification job on this rank: inputs → engine → cycles with progress and checkpoints →
/// outputs. Every rank runs it collectively; only rank 0 writes files.
public final class ClassificationRun {
    public let request: RunRequest
    public let communicator: any Communicator
    private let say: (String) -> Void
    /// Called on rank 0 after each checkpoint and after the final outputs (e.g. to refresh the
    /// HTML report); its errors are reported, not fatal.
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
        let setup = try makeEngine(try agreeing { try self.loadInputs(folder: folder) })
        let engine = setup.engine
        let config = engine.config
        // A truth of another dataset is refused before the run folder is touched.
        var truth = try request.truth.map { try TruthTable(path: $0) }
        try truth?.requireParticles(count: setup.table.count, of: setup.inputs.particles)
        if communicator.isRoot {
            try RunManifest.writeStart(to: folder.manifest, request: request, config: config, ranks: communicator.size,
                                       particleCount: setup.table.count, resumedAt: request.continuing ? engine.cycle : nil)
            say("fovea classify: \(setup.table.count) particles × \(config.operatorCount) operators on \(communicator.size) rank(s) × "
                + "\(config.threads) thread(s), K = \(config.classCount), focus \(config.focus.rawValue), box \(engine.boxSize) "
                + "(likelihood at \(engine.croppedSize), cycles on a \(engine.cycleBox.size)-px grid), \(config.cycles) cycles" + (request.continuing ? ", continuing after cycle \(engine.cycle)" : ""))
            if let scales = engine.whitening.groupScales, let low = scales.min(), let high = scales.max() {
                say("noise groups: \(scales.count), group scales \(DecimalText.text(low, digits: 3))–\(DecimalText.text(high, digits: 3))")
            }
        }
        let reporter = ProgressReporter(logPath: communicator.isRoot ? folder.progressLog : nil,
                                        print: communicator.isRoot ? say : { _ in })
        var stoppedBy: Int32 = 0
        let finished = try engine.run { report, reason in
            var kappa: Double?
            if let table = truth {
                do { kappa = try self.kappa(of: engine, particleCount: setup.table.count, truth: table) } catch {
                    // The scoring is a side show: say why once and classify on.
                    if communicator.isRoot { say("note: no kappa per cycle: \(error)") }
                    truth = nil
                }
            }
            reporter.report(report, cycles: config.cycles, kappa: kappa)
            // One value on every rank, so every rank leaves the loop after the same cycle.
            let signal = try communicator.allreduce(StopSignal.pending, .max)
            if reason == nil && (signal != 0 || engine.cycle % config.checkpointEvery == 0) {
                try writeCheckpoint(engine, setup: setup, folder: folder)
            }
            if reason == nil && signal != 0 { stoppedBy = signal }
            return stoppedBy == 0
        }
        guard let reason = finished else {
            if communicator.isRoot {
                say("\(StopSignal.name(stoppedBy)) received: stopped after cycle \(engine.cycle); checkpoint written to "
                    + "\(folder.checkpoint); continue with: fovea classify --continue \(folder.path)")
                try RunManifest.writeEnd(to: folder.manifest, ending: .checkpointed(cycle: engine.cycle, signal: StopSignal.name(stoppedBy)))
                notifyWritten(folder)  // the report then says "stopped at cycle N (checkpoint)", not "running"
            }
            return .checkpointed(cycle: engine.cycle, signal: stoppedBy)
        }
        // Cycles reconstruct out to the likelihood band only; the maps written are full resolution.
        // The cycles' prepared particles are freed first, so writing the outputs needs no more memory.
        try engine.reconstructAtFullResolution(releasingParticles: true)
        let state = try writeCheckpoint(engine, setup: setup, folder: folder)
        if communicator.isRoot {
            try RunOutputs.write(folder: folder, state: state, halfMaps: engine.halfMaps, table: setup.table,
                                 tablePath: setup.inputs.particles)
            try RunManifest.writeEnd(to: folder.manifest, ending: .finished(cycle: engine.cycle, reason: reason == .converged ? "converged" : "cycle limit"))
            notifyWritten(folder)
            say("finished (\(reason.rawValue == "converged" ? "converged" : "cycle limit")) after cycle \(engine.cycle): "
                + "classes in \(folder.path)/class_*.mrc, particles in \(folder.particles), everything in \(folder.state)")
            if let indistinct = engine.history.last?.indistinct {
                say("warning: the classes did not separate: \(indistinct) after the last cycle; see docs/troubleshooting.md")
            }
        }
        return .finished(reason)
    }

    /// Kappa of the current best classes against `truth` (collective; the value on rank 0).
    private func kappa(of engine: ClassificationEngine, particleCount: Int, truth: TruthTable) throws -> Double? {
        let ops = engine.rows.operatorCount
        // Every cycle has run before this is called, so the best classes exist.
        guard let best = try engine.gatherBestClasses(particleCount: particleCount) else { return nil }
        guard communicator.isRoot else { return nil }
        let states = try truth.states(particles: best.indices.map { $0 / ops + 1 }, operators: best.indices.map { $0 % ops + 1 },
                                      property: .label, maskSide: .a)
        return KappaScore(classes: best.map { Int($0) + 1 }, states: states).pooled.kappa
    }

    struct Setup {
        let engine: ClassificationEngine
        let table: ParticleTable
        let inputs: RunInputPaths
    }

    /// Builds the engine; the raw images in `loaded` are released when this returns.
    private func makeEngine(_ loaded: consuming LoadedInputs) throws -> Setup {
        do {
            let engine = try ClassificationEngine(config: loaded.config, alignments: loaded.alignments, images: loaded.images,
                                                  references: loaded.references, focusMask: loaded.mask,
                                                  communicator: communicator, resumingFrom: loaded.resume?.snapshot,
                                                  storage: loaded.storage)
            return Setup(engine: engine, table: loaded.table, inputs: loaded.inputs)
        } catch let error as EngineInputError {
            switch error.scope {
            // The engine's checks after its agreement step see the same values on every rank.
            case .everyRank: throw RankFailure.here(error, everyRank: true)
            case .thisRank: throw RankFailure.here(error, everyRank: false)
            case .elsewhere: throw RankFailure.elsewhere
            }
        } catch {
            // Reading this rank's images failed (the engine made the other ranks stop too).
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
            let stored = try RunState.read(from: folder.checkpoint)
            guard stored.storedFormatVersion >= RunState.continuableFormatVersion else {
                throw RunInputError("\(folder.checkpoint): written by an older Fovea (state format \(stored.storedFormatVersion)), "
                                    + "whose cycles ran at the full box; this version runs them on the classification box and "
                                    + "cannot continue that run exactly: start it again in a new folder (its outputs stay readable)")
            }
            try RunManifest.checkBelongs(manifest: folder.manifest, to: stored, checkpoint: folder.checkpoint)
            let requested = try stored.config.replacing(cycles: request.config.cycles, threads: request.config.threads,
                                                        checkpointEvery: request.config.checkpointEvery)
            try stored.config.checkContinuation(with: requested)
            config = requested
            inputs = stored.inputs
            resumeState = stored
        }
        let table = try ParticleTableLoading.load(inputs)
        if communicator.isRoot, let notice = table.unmodelledOpticsNotice(file: inputs.particles) { say(notice) }
        if communicator.isRoot, !request.continuing, let notice = RunShard.halfSetNotice(for: table, tablePath: inputs.particles) {
            say(notice)
        }
        if let resumeState, resumeState.particleCount != table.count {
            throw RunInputError("\(inputs.particles) now has \(table.count) particles; the checkpoint was made with \(resumeState.particleCount)")
        }
        guard table.count >= communicator.size else {
            throw RunInputError("\(communicator.size) ranks but only \(table.count) particles: every rank needs at least one particle; use fewer ranks")
        }
        let plan = RunShard.plan(for: table, tablePath: inputs.particles, ranks: communicator.size)
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
        let inMemory = held + RunPlan.estimatedBytes(count: mine.count, boxes: boxes, pixelSize: pixel, config: config)
        let streamed = held + RunPlan.estimatedBytes(count: mine.count, boxes: boxes, pixelSize: pixel, config: config,
                                                     streaming: true)
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
        let halfSets = RunShard.halfSets(of: table, seed: config.seed)
        if let note = halfSets.reassignment, communicator.isRoot { say("note: \(note)") }
        let noiseGroups = NoiseGroupAssignment(table: table, settings: config.noiseGroups)
        if communicator.isRoot {
            say(noiseGroups.notice.map { "note: \($0)" } ?? "noise spectra: \(noiseGroups.groupCount) group(s) (--noise-groups \(config.noiseGroups.mode.rawValue))")
        }
        let alignments = RunShard.alignments(mine, of: table, halfSets: halfSets, noiseGroups: noiseGroups)
        let images = StackImageSource(mine, of: table, tablePath: inputs.particles, box: boxes.n,
                                      invertContrast: inputs.resolvedInvertContrast)
        let box = boxes.n
        let references = resumeState != nil ? nil : try inputs.references.isEmpty ? nil : inputs.references.map {
            try RunShard.loadVolume($0, role: "reference", box: box, pixelSize: pixel)
        }
        if let note = ClassificationEngine.singleReferenceNote(referenceCount: references?.count ?? 0, classCount: config.classCount),
           communicator.isRoot {
            say("note: \(note)")
        }
        let mask = try inputs.mask.map { try RunShard.loadVolume($0, role: "focus mask", box: box, pixelSize: pixel) }
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

    @discardableResult
    private func writeCheckpoint(_ engine: ClassificationEngine, setup: Setup, folder: RunFolder) throws -> RunState {
        let snapshot = try engine.snapshot(particleCount: setup.table.count)
        let state = RunState(config: engine.config, inputs: setup.inputs, particleCount: setup.table.count,
                             boxSize: engine.boxSize, pixelSize: engine.pixelSize, snapshot: snapshot,
                             densityScale: engine.densityScale)
        if communicator.isRoot {
            try state.write(to: folder.checkpoint)
            notifyWritten(folder)
        }
        return state
    }

    /// Runs `body` on every rank and makes them agree: if any rank fails, every rank throws —
    /// the failing ranks their own error, the others `RankFailure.elsewhere` — so no rank is left
    /// waiting in a collective. Collective.
    private func agreeing<T>(_ body: () throws -> T) throws -> T {
        var result: Result<T, any Error>
        do { result = .success(try body()) } catch { result = .failure(error) }
        let failed: Int32 = { if case .failure = result { return 1 } else { return 0 } }()
        let failures = try communicator.allreduce(failed, .sum)
        switch result {
        case .success(let value):
            if failures > 0 { throw RankFailure.elsewhere }
            return value
        case .failure(let error):
            throw RankFailure.here(error, everyRank: failures == Int32(communicator.size))
        }
    }
}

/// A failure while preparing a run, as the ranks agreed on it.
public enum RankFailure: Error {
    /// This rank failed; `everyRank` when all ranks did (then rank 0 alone need report it).
    case here(any Error, everyRank: Bool)
    /// Another rank failed and reports it.
    case elsewhere
}
