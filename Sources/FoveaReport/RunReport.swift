import Foundation
import FoveaClassify
import FoveaCore
import FoveaIO
import FoveaRun

/// The figures of a run folder, gathered for the HTML report: per-cycle curves from
/// `progress.jsonl` (current during a run), class volumes and FSC curves from the latest state
/// file (`run.h5` at the end, else `checkpoint.h5`), status from `run.json`.
public struct RunReportData {
    public struct Cycle {
        public var cycle: Int
        public var soft: [Double]
        public var hard: [Double]
        public var changed: Double
        public var meanLogP: Double
        public var resolution: [Double]
        public var seconds: Double
        /// Kappa against the truth, when the run was given one.
        public var kappa: Double?
    }

    public var folder: RunFolder
    public var cycles: [Cycle]
    public var state: RunState?
    /// Which file `state` came from.
    public var stateFile: String?
    public var outcome: String
    public var commandLine: String

    public init(folder: RunFolder) throws {
        self.folder = folder
        cycles = []
        if let text = try? String(contentsOfFile: folder.progressLog, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let cycle = object["cycle"] as? Int else { continue }
                // A continued run logs cycles again from its restart point: keep the latest.
                cycles.removeAll { $0.cycle >= cycle }
                cycles.append(Cycle(cycle: cycle, soft: object["soft_fractions"] as? [Double] ?? [],
                                    hard: object["hard_fractions"] as? [Double] ?? [],
                                    changed: object["changed_fraction"] as? Double ?? 0,
                                    meanLogP: object["mean_logp"] as? Double ?? 0,
                                    resolution: object["resolution_angstrom"] as? [Double] ?? [],
                                    seconds: object["seconds"] as? Double ?? 0, kappa: object["kappa"] as? Double))
            }
        }
        for path in [folder.state, folder.checkpoint] where FileManager.default.fileExists(atPath: path) {
            state = try RunState.read(from: path).withFullBoxVolumes()
            stateFile = path
            break
        }
        outcome = "running"
        commandLine = ""
        if let data = FileManager.default.contents(atPath: folder.manifest),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let sessions = object["sessions"] as? [[String: Any]], let last = sessions.last {
            outcome = last["outcome"] as? String ?? "running (session started \(last["started"] as? String ?? "?"))"
            commandLine = (last["command_line"] as? [String])?.joined(separator: " ") ?? ""
        }
        guard !cycles.isEmpty || state != nil else {
            throw RunInputError("\(folder.path): no progress.jsonl and no run.h5/checkpoint.h5 — is this a fovea run folder?")
        }
    }

    /// Voxel-wise maximum over all class pairs of |V_k − V_l| (the merged difference map of the
    /// preprint's Figure 4), nil for one class.
    public static func mergedDifference(_ volumes: [Volume]) -> Volume? {
        guard volumes.count > 1 else { return nil }
        var out = Volume(size: volumes[0].size, pixelSize: volumes[0].pixelSize)
        for k in 0..<volumes.count {
            for l in (k + 1)..<volumes.count {
                for i in out.voxels.indices { out.voxels[i] = max(out.voxels[i], abs(volumes[k].voxels[i] - volumes[l].voxels[i])) }
            }
        }
        return out
    }
}
