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
        var object = try existing(path) ?? [:]
        var sessions = object["sessions"] as? [[String: Any]] ?? []
        var session: [String: Any] = [
            "command_line": request.commandLine, "started": ISO8601DateFormatter().string(from: Date()),
            "ranks": ranks, "threads_per_rank": config.threads, "host_of_rank_0": host(),
            "working_folder": FileManager.default.currentDirectoryPath,
        ]
        if let cycle { session["continued_after_cycle"] = cycle }
        sessions.append(session)
        object["sessions"] = sessions
        object["fovea_version"] = FoveaVersion.string
        object["particle_count"] = particleCount
        object["config"] = try JSONSerialization.jsonObject(with: Data(try RunState.json(config).utf8))
        object["inputs"] = try JSONSerialization.jsonObject(with: Data(try RunState.json(request.inputs).utf8))
        try write(object, to: path)
    }

    public static func writeEnd(to path: String, outcome: String) throws {
        var object = try existing(path) ?? [:]
        var sessions = object["sessions"] as? [[String: Any]] ?? []
        if sessions.isEmpty { sessions = [[:]] }
        sessions[sessions.count - 1]["ended"] = ISO8601DateFormatter().string(from: Date())
        sessions[sessions.count - 1]["outcome"] = outcome
        object["sessions"] = sessions
        try write(object, to: path)
    }

    /// The manifest's JSON object, or nil when there is no file; a file that is not a JSON object
    /// with a list of sessions is an error (its history is never reset silently).
    static func existing(_ path: String) throws -> [String: Any]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              object["sessions"] == nil || object["sessions"] is [[String: Any]] else {
            throw RunManifestError.unreadable(path)
        }
        return object
    }

    /// Checks, before a run is continued, that `run.json` at `path` describes the run whose
    /// `state` was read from `checkpoint`: the options that cannot change, the particle count and
    /// the inputs must agree (a checkpoint copied into another run's folder would otherwise
    /// silently rewrite that run's history).
    public static func checkBelongs(manifest path: String, to state: RunState, checkpoint: String) throws {
        guard let object = try existing(path) else { throw RunManifestError.missing(path) }
        let recorded: ClassificationConfig
        do {
            let data = try JSONSerialization.data(withJSONObject: object["config"] ?? [:])
            recorded = try JSONDecoder().decode(ClassificationConfig.self, from: data)
        } catch {
            throw RunManifestError.unreadable(path)
        }
        var differences = recorded.differingOptions(from: state.config)
            .filter { !ClassificationConfig.optionsChangeableOnContinue.contains($0) }.map { "--\($0.rawValue)" }
        if let count = object["particle_count"] as? Int, count != state.particleCount { differences.append("particle count") }
        if let inputs = object["inputs"],
           let recordedInputs = try? JSONDecoder().decode(RunInputPaths.self, from: JSONSerialization.data(withJSONObject: inputs)),
           recordedInputs != state.inputs {
            differences.append("inputs")
        }
        if !differences.isEmpty {
            throw RunManifestError.mismatch(manifest: path, checkpoint: checkpoint, differences: differences)
        }
    }

    static func write(_ object: [String: Any], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try AtomicFileWriter.write(data, to: path)
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
