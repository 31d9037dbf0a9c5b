import Foundation
import FoveaClassify
import FoveaIO

/// `run.json` of a run folder, as `RunManifest` writes it and the report reads it
/// (docs/formats.md "Run folder"). Every field is optional on reading, so a file of an older
/// version, or one a run was interrupted while writing the first session of, still reads.
public struct RunManifestRecord: Codable, Sendable, Equatable {
    public var foveaVersion: String?
    public var particleCount: Int?
    public var config: ClassificationConfig?
    public var inputs: RunInputPaths?
    /// One per `fovea classify` that started or continued the run, in order.
    public var sessions: [Session]

    /// One start (or continuation) of the run and how it ended.
    public struct Session: Codable, Sendable, Equatable {
        public var commandLine: [String]?
        /// ISO 8601 times.
        public var started: String?
        public var ended: String?
        public var ranks: Int?
        public var threadsPerRank: Int?
        public var hostOfRank0: String?
        public var workingFolder: String?
        /// Set when the session continued a checkpoint of that cycle.
        public var continuedAfterCycle: Int?
        /// How the session ended, in words ("finished: converged after cycle 7",
        /// "checkpointed after cycle 3 (SIGTERM)"); nil while it runs.
        public var outcome: String?
        /// The last cycle of a session that stopped on a signal with a checkpoint.
        public var stoppedAfterCycle: Int?
        /// The last cycle of a session that finished (converged or cycle limit).
        public var finishedAfterCycle: Int?

        public init(commandLine: [String]? = nil, started: String? = nil) {
            self.commandLine = commandLine
            self.started = started
        }

        enum CodingKeys: String, CodingKey {
            case commandLine = "command_line", started, ended, ranks, threadsPerRank = "threads_per_rank"
            case hostOfRank0 = "host_of_rank_0", workingFolder = "working_folder"
            case continuedAfterCycle = "continued_after_cycle", outcome
            case stoppedAfterCycle = "stopped_after_cycle", finishedAfterCycle = "finished_after_cycle"
        }
    }

    public init(sessions: [Session] = []) { self.sessions = sessions }

    enum CodingKeys: String, CodingKey {
        case foveaVersion = "fovea_version", particleCount = "particle_count", config, inputs, sessions
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        foveaVersion = try c.decodeIfPresent(String.self, forKey: .foveaVersion)
        particleCount = try c.decodeIfPresent(Int.self, forKey: .particleCount)
        config = try c.decodeIfPresent(ClassificationConfig.self, forKey: .config)
        inputs = try c.decodeIfPresent(RunInputPaths.self, forKey: .inputs)
        sessions = try c.decodeIfPresent([Session].self, forKey: .sessions) ?? []
    }

    /// Reads `run.json`; nil when there is no such file.
    /// - Throws: `RunManifestError.unreadable` when it is not a manifest Fovea wrote.
    public static func read(from path: String) throws -> RunManifestRecord? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path),
              let record = try? JSONDecoder().decode(RunManifestRecord.self, from: data) else {
            throw RunManifestError.unreadable(path)
        }
        return record
    }

    /// The pretty-printed JSON Fovea writes (sorted keys; numbers as `DecimalText` prints them).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

/// One line of `progress.jsonl`: the figures of one cycle, as `ProgressReporter` writes them and
/// the report reads them. Fractions are 0 … 1; resolutions in Å; times in seconds.
public struct ProgressRecord: Codable, Sendable, Equatable {
    public var cycle: Int
    /// The run's cycle limit.
    public var cycles: Int?
    public var softFractions: [Double]
    public var hardFractions: [Double]
    public var changedFraction: Double
    public var meanLogP: Double
    /// FSC-0.143 resolution per class, Å.
    public var resolutionAngstrom: [Double]
    public var seconds: Double
    /// ISO 8601 time the cycle ended.
    public var time: String?
    public var classAverageChange: Double?
    public var etaSeconds: Double?
    /// Kappa against the truth, when the run was given one.
    public var kappa: Double?
    /// Pairs of classes found identical (1-based) and classes no row chose, when the classes did not separate.
    public var identicalClasses: [[Int]]?
    public var emptyClasses: [Int]?

    public init(cycle: Int, cycles: Int?, softFractions: [Double], hardFractions: [Double], changedFraction: Double,
                meanLogP: Double, resolutionAngstrom: [Double], seconds: Double) {
        self.cycle = cycle; self.cycles = cycles; self.softFractions = softFractions; self.hardFractions = hardFractions
        self.changedFraction = changedFraction; self.meanLogP = meanLogP; self.resolutionAngstrom = resolutionAngstrom
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case cycle, cycles, softFractions = "soft_fractions", hardFractions = "hard_fractions"
        case changedFraction = "changed_fraction", meanLogP = "mean_logp", resolutionAngstrom = "resolution_angstrom"
        case seconds, time, classAverageChange = "class_average_change", etaSeconds = "eta_seconds", kappa
        case identicalClasses = "identical_classes", emptyClasses = "empty_classes"
    }

    /// Writes every number rounded to `DecimalText.significantDigits` (no binary noise such as
    /// 0.30000000000000004 in the file).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let r: (Double) -> Double = { DecimalText.rounded($0) }
        try c.encode(cycle, forKey: .cycle)
        try c.encodeIfPresent(cycles, forKey: .cycles)
        try c.encode(softFractions.map(r), forKey: .softFractions)
        try c.encode(hardFractions.map(r), forKey: .hardFractions)
        try c.encode(r(changedFraction), forKey: .changedFraction)
        try c.encode(r(meanLogP), forKey: .meanLogP)
        try c.encode(resolutionAngstrom.map(r), forKey: .resolutionAngstrom)
        try c.encode(r(seconds), forKey: .seconds)
        try c.encodeIfPresent(time, forKey: .time)
        try c.encodeIfPresent(classAverageChange.map(r), forKey: .classAverageChange)
        try c.encodeIfPresent(etaSeconds.map(r), forKey: .etaSeconds)
        try c.encodeIfPresent(kappa.map(r), forKey: .kappa)
        try c.encodeIfPresent(identicalClasses, forKey: .identicalClasses)
        try c.encodeIfPresent(emptyClasses, forKey: .emptyClasses)
    }

    /// One JSON line (no newline).
    public func encodedLine() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// The records of a `progress.jsonl` text; lines that do not parse (a line cut by a full
    /// disk) are skipped. A continued run logs cycles again from its restart point: the latest
    /// record of each cycle is kept, in cycle order.
    public static func records(inLog text: String) -> [ProgressRecord] {
        var out: [ProgressRecord] = []
        for line in text.split(separator: "\n") {
            guard let record = try? JSONDecoder().decode(ProgressRecord.self, from: Data(line.utf8)) else { continue }
            out.removeAll { $0.cycle >= record.cycle }
            out.append(record)
        }
        return out
    }
}
