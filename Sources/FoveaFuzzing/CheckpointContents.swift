import Foundation
import FoveaIO
import FoveaRun

/// Structure-aware fuzzing of the run state reader: the input is a text listing of a checkpoint's
/// attributes and dataset sizes (`key=value` lines), which the harness writes as a well-formed,
/// checksummed HDF5 file. Damage to the text becomes damage to the *contents* (JSON, counts,
/// shapes) that `RunState.read` must refuse clearly, past the checksum that stops byte damage.
enum CheckpointContents {
    /// Largest dataset the harness writes (elements); larger sizes are left out, which the reader
    /// must report as a missing dataset.
    static let largestDataset = 1 << 16

    /// The listing of `state`.
    static func listing(of state: RunState, configJSON: String, inputsJSON: String) -> [UInt8] {
        let rows = state.particleCount * state.config.operatorCount
        let lines = [
            "format_version=2", "config=\(configJSON)", "inputs=\(inputsJSON)", "history=[]",
            "particle_count=\(state.particleCount)", "operator_count=\(state.config.operatorCount)",
            "box_size=\(state.boxSize)", "volume_box=\(state.boxSize)", "pixel_size=\(state.pixelSize)", "cycle=\(state.classification.cycle)",
            "rows=\(rows)", "classes=\(state.config.classCount)", "edge=\(state.boxSize)",
            "shells=\(state.boxSize / 2 + 1)", "best=1",
        ]
        return Array(lines.joined(separator: "\n").utf8)
    }

    /// Writes the checkpoint the listing describes to `path`.
    static func write(_ listing: [UInt8], to path: String) throws {
        var values: [String: String] = [:]
        for line in String(decoding: listing, as: UTF8.self).split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        func int(_ key: String) -> Int? { values[key].flatMap { Int($0) } }
        try HDF5File.write(to: path) { file in
            for key in ["config", "inputs", "history"] { if let text = values[key] { try file.setAttribute(key, text) } }
            for key in ["format_version", "particle_count", "operator_count", "box_size", "volume_box", "cycle"] {
                if let n = int(key) { try file.setAttribute(key, Int64(n)) }
            }
            if let p = values["pixel_size"].flatMap(Double.init) { try file.setAttribute("pixel_size", p) }
            let rows = int("rows") ?? 0, k = int("classes") ?? 0, edge = int("edge") ?? 0, shells = int("shells") ?? 0
            func dataset<T: HDF5Scalar>(_ group: HDF5Group, _ name: String, _ shape: [Int], _ value: T) throws {
                guard shape.allSatisfy({ $0 >= 0 && $0 <= largestDataset }) else { return }
                let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
                guard count <= largestDataset else { return }
                try group.writeDataset(name, [T](repeating: value, count: count), shape: shape)
            }
            let rowGroup = try file.createGroup("rows")
            try dataset(rowGroup, "occupancy", [rows, k], Float(50))
            try dataset(rowGroup, "logp", [rows, k], Float(-1))
            try dataset(rowGroup, "best_class", [rows], Int32(clamping: int("best") ?? 1))
            let classGroup = try file.createGroup("classes")
            try dataset(classGroup, "volumes", [k, edge, edge, edge], Float(0.5))
            try dataset(classGroup, "fsc", [k, shells], 0.5)
        }
    }
}
