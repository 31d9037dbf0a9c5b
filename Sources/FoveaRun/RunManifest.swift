import Foundation
import FoveaClassify
import FoveaCore
import FoveaIO

/// `run.json`: what ran, with which program and options, and when (rank 0 writes it when a run
/// or a continuation starts and again when it ends; atomic writes).
public enum RunManifest {
    static func host() -> String { ProcessInfo.processInfo.hostName }

    public static func writeStart(to path: String, request: RunRequest, config: ClassificationConfig, ranks: Int,
                                  particleCount: Int, resumedAt cycle: Int?) throws {
        var record = try RunManifestRecord.read(from: path) ?? RunManifestRecord()
        var session = RunManifestRecord.Session(commandLine: request.commandLine,
                                                started: ISO8601DateFormatter().string(from: Date()))
        session.ranks = ranks
        session.threadsPerRank = config.threads
        session.hostOfRank0 = host()
        session.workingFolder = FileManager.default.currentDirectoryPath
        session.continuedAfterCycle = cycle
        record.sessions.append(session)
        record.foveaVersion = FoveaVersion.string
        record.particleCount = particleCount
        record.config = config
        record.inputs = request.inputs
        try write(record, to: path)
    }

    /// How a session ended, recorded in its last session.
    public enum Ending: Sendable, Equatable {
        /// Stopped on `signal` after `cycle`, with a checkpoint of that cycle.
        case checkpointed(cycle: Int, signal: String)
        /// Finished (`reason`, in words: "converged" or "cycle limit") after `cycle`.
        case finished(cycle: Int, reason: String)
        /// Anything else, in words (the fuzzing harness).
        case other(String)
    }

    public static func writeEnd(to path: String, ending: Ending) throws {
        var record = try RunManifestRecord.read(from: path) ?? RunManifestRecord()
        if record.sessions.isEmpty { record.sessions = [RunManifestRecord.Session()] }
        var session = record.sessions[record.sessions.count - 1]
        session.ended = ISO8601DateFormatter().string(from: Date())
        session.stoppedAfterCycle = nil
        session.finishedAfterCycle = nil
        switch ending {
        case .checkpointed(let cycle, let signal):
            session.outcome = "checkpointed after cycle \(cycle) (\(signal))"
            session.stoppedAfterCycle = cycle
        case .finished(let cycle, let reason):
            session.outcome = "finished (\(reason)) after cycle \(cycle)"
            session.finishedAfterCycle = cycle
        case .other(let words):
            session.outcome = words
        }
        record.sessions[record.sessions.count - 1] = session
        try write(record, to: path)
    }

    /// Checks, before a run is continued, that `run.json` at `path` describes the run whose
    /// `state` was read from `checkpoint`: the options that cannot change, the particle count and
    /// the inputs must agree (a checkpoint copied into another run's folder would otherwise
    /// silently rewrite that run's history).
    public static func checkBelongs(manifest path: String, to state: RunState, checkpoint: String) throws {
        guard let record = try RunManifestRecord.read(from: path) else { throw RunManifestError.missing(path) }
        guard let recorded = record.config else { throw RunManifestError.unreadable(path) }
        var differences = recorded.differingOptions(from: state.config)
            .filter { !ClassificationConfig.optionsChangeableOnContinue.contains($0) }.map { "--\($0.rawValue)" }
        if let count = record.particleCount, count != state.particleCount { differences.append("particle count") }
        if let recordedInputs = record.inputs, recordedInputs != state.inputs { differences.append("inputs") }
        if !differences.isEmpty {
            throw RunManifestError.mismatch(manifest: path, checkpoint: checkpoint, differences: differences)
        }
    }

    static func write(_ record: RunManifestRecord, to path: String) throws {
        try AtomicFileWriter.write(try record.encoded(), to: path)
    }
}

/// A run folder's `run.json` that cannot be used to continue the run (exit code 2; nothing written).
public enum RunManifestError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case unreadable(String)
    case mismatch(manifest: String, checkpoint: String, differences: [String])

    public var description: String {
        switch self {
        case .missing(let path):
            return "\(path): no such file; a run folder holds run.json beside checkpoint.h5 (was the checkpoint copied here?)"
        case .unreadable(let path):
            return "\(path): not a run.json written by Fovea (garbled or edited); restore it, or start a new run in another folder"
        case .mismatch(let manifest, let checkpoint, let differences):
            return "\(checkpoint) does not belong to the run described by \(manifest) (they differ in "
                + differences.joined(separator: ", ") + "); restore the folder's own checkpoint, or start a new run in another folder"
        }
    }
}
