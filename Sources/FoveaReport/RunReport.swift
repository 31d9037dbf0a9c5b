import Foundation
import FoveaClassify
import FoveaCore
import FoveaIO
import FoveaRun

/// The figures of a run folder, gathered for the HTML report: per-cycle curves from
/// `progress.jsonl` (current during a run), class volumes and FSC curves from the latest state
/// file (`run.h5` at the end, else `checkpoint.h5`), status from `run.json` and the folder's lock.
public struct RunReportData {
    /// Where a run stands, as the report says it.
    public enum Status: Equatable, Sendable {
        /// Finished after `cycle` (`outcome` in words).
        case finished(cycle: Int?, outcome: String)
        /// Stopped with a checkpoint of `cycle` (a signal, or the process ended without saying why).
        case stopped(cycle: Int, why: String)
        /// A process holds the folder's lock: cycles are being added.
        case running(since: String?)
        /// No session recorded an end and no state file exists yet.
        case starting

        public var text: String {
            switch self {
            case .finished(_, let outcome): return outcome
            case .stopped(let cycle, let why): return "stopped at cycle \(cycle) (checkpoint; \(why))"
            case .running(let since): return "running" + (since.map { " (session started \($0))" } ?? "")
            case .starting: return "starting (no cycle finished yet)"
            }
        }
    }

    public var folder: RunFolder
    public var cycles: [ProgressRecord]
    public var state: RunState?
    /// Which file `state` came from.
    public var stateFile: String?
    public var manifest: RunManifestRecord?
    public var status: Status
    public var commandLine: String

    public init(folder: RunFolder) throws {
        self.folder = folder
        cycles = (try? String(contentsOfFile: folder.progressLog, encoding: .utf8)).map(ProgressRecord.records(inLog:)) ?? []
        for path in [folder.state, folder.checkpoint] where FileManager.default.fileExists(atPath: path) {
            state = try RunState.read(from: path).withFullBoxVolumes()
            stateFile = path
            break
        }
        manifest = try? RunManifestRecord.read(from: folder.manifest)
        let last = manifest?.sessions.last
        commandLine = last?.commandLine?.joined(separator: " ") ?? ""
        status = Self.status(session: last, stateCycle: state?.classification.cycle, stateIsFinal: stateFile == folder.state,
                             lockHeld: RunFolderLock.liveOwner(folder: folder.path) != nil)
        guard !cycles.isEmpty || state != nil else {
            throw RunInputError("\(folder.path): no progress.jsonl and no run.h5/checkpoint.h5 — is this a fovea run folder?")
        }
    }

    /// The status from the last session of `run.json`, the state file's cycle and whether a live
    /// process holds the folder's lock.
    public static func status(session: RunManifestRecord.Session?, stateCycle: Int?, stateIsFinal: Bool, lockHeld: Bool) -> Status {
        if let session, let cycle = session.finishedAfterCycle {
            return .finished(cycle: cycle, outcome: session.outcome ?? "finished after cycle \(cycle)")
        }
        if let session, let cycle = session.stoppedAfterCycle {
            return .stopped(cycle: cycle, why: (session.outcome ?? "stopped") + "; continue with fovea classify --continue")
        }
        if let outcome = session?.outcome {
            // A run.json of an earlier version: the outcome in words only.
            if outcome.hasPrefix("checkpointed after cycle "),
               let cycle = Int(outcome.dropFirst("checkpointed after cycle ".count).prefix { $0.isNumber }) {
                return .stopped(cycle: cycle, why: outcome + "; continue with fovea classify --continue")
            }
            return .finished(cycle: stateIsFinal ? stateCycle : nil, outcome: outcome)
        }
        if lockHeld { return .running(since: session?.started) }
        if let stateCycle {
            return stateIsFinal ? .finished(cycle: stateCycle, outcome: "finished after cycle \(stateCycle)")
                : .stopped(cycle: stateCycle, why: "the run ended without recording why, e.g. killed; continue with fovea classify --continue")
        }
        return .starting
    }

    /// Voxel-wise maximum over all class pairs of |V_k − V_l| (the merged difference map of the
    /// preprint's Figure 4), nil for one class.
    public static func mergedDifference(_ volumes: [Volume]) -> Volume? {
        guard let first = volumes.first, let merged = mergedDifference(volumes.map(\.voxels)) else { return nil }
        return Volume(size: first.size, pixelSize: first.pixelSize, voxels: merged)
    }

    /// Class k minus the mean of all classes, per class (the labelled difference panels).
    public static func differencesFromMean(_ volumes: [Volume]) -> [Volume] {
        zip(volumes, differencesFromMean(volumes.map(\.voxels))).map { volume, difference in
            Volume(size: volume.size, pixelSize: volume.pixelSize, voxels: difference)
        }
    }

    /// `mergedDifference` of equally long value arrays (whole maps, or the same section of each
    /// map: every value is computed from the same position in each class alone).
    public static func mergedDifference(_ maps: [[Float]]) -> [Float]? {
        guard let first = maps.first, maps.count > 1 else { return nil }
        var out = [Float](repeating: 0, count: first.count)
        for k in 0..<maps.count {
            for l in (k + 1)..<maps.count {
                for i in out.indices { out[i] = max(out[i], abs(maps[k][i] - maps[l][i])) }
            }
        }
        return out
    }

    /// `differencesFromMean` of equally long value arrays (whole maps or the same section of each).
    public static func differencesFromMean(_ maps: [[Float]]) -> [[Float]] {
        guard let first = maps.first, maps.count > 1 else { return [] }
        var mean = [Float](repeating: 0, count: first.count)
        for v in maps { for i in mean.indices { mean[i] += v[i] / Float(maps.count) } }
        return maps.map { v in
            var d = v
            for i in d.indices { d[i] -= mean[i] }
            return d
        }
    }
}
