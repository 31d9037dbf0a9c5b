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
        var object = (try? existing(path)) ?? [:]
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
        var object = (try? existing(path)) ?? [:]
        var sessions = object["sessions"] as? [[String: Any]] ?? []
        if sessions.isEmpty { sessions = [[:]] }   // an edited file without sessions must not trap
        sessions[sessions.count - 1]["ended"] = ISO8601DateFormatter().string(from: Date())
        sessions[sessions.count - 1]["outcome"] = outcome
        object["sessions"] = sessions
        try write(object, to: path)
    }

    static func existing(_ path: String) throws -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    static func write(_ object: [String: Any], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try AtomicFileWriter.write(data, to: path)
    }
}
