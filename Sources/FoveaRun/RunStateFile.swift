import Foundation
import FoveaClassify
import FoveaCore
import FoveaIO

/// The HDF5 file of a run's state: written as `checkpoint.h5` every few cycles and as `run.h5`
/// at the end (same layout; docs/formats.md "Run folder"). Everything needed to continue the run,
/// or to rebuild every class volume, is in it:
///
///     /            attributes: fovea_version, format_version, config (JSON), inputs (JSON),
///                  particle_count, operator_count, box_size, pixel_size (Å), cycle, history (JSON),
///                  volume_box (format ≥ 2: V, the grid of /classes; absent: V = N)
///     /rows/particle_index   Int64 [R]       1-based input row of each classified row
///     /rows/operator_index   Int64 [R]       1-based expansion operator (1 = identity)
///     /rows/occupancy        Float32 [R, K]  percent
///     /rows/logp             Float32 [R, K]
///     /rows/best_class       Int32 [R]       1-based; 0 before the first cycle
///     /rows/sigma            Float32 [R]     σ of each row in the last cycle's weights (only with
///                                            `--particle-noise weighted`; absent: 1)
///     /classes/volumes       Float32 [K, V, V, V]  (z, y, x; x fastest; voxel p·N/V Å)
///     /classes/fsc           Float64 [K, V/2 + 1]  half-map FSC per shell
///     /classes/density_scale Float64 [N/2 + 1]  noise amplitude a(s) of `MapDensityScale` (the
///                            volumes above are in the engine's units; written maps are a(|k|)/N ×)
///     /cycles/soft_fractions, /cycles/hard_fractions  Float64 [C, K]
///     /cycles/changed_fraction, /cycles/mean_logp, /cycles/seconds  Float64 [C]
///     /cycles/resolution     Float64 [C, K]  FSC-0.143 resolution, Å
///
/// R = particles × operators in input order (row = particle · operators + operator). A
/// checkpoint holds the class volumes on the cycles' grid V = N_r (`CycleBox`); `run.h5` and the
/// checkpoint of a finished run hold the full-resolution maps (V = N).
public struct RunState: Sendable {
    /// 2: the class volumes on their own grid (`volume_box`). Version 1 files (V = N) are read too.
    public static let formatVersion = 2
    /// The oldest format `--continue` accepts: the cycles of older runs ran on another grid.
    public static let continuableFormatVersion = 2

    public var config: ClassificationConfig
    public var inputs: RunInputPaths
    public var particleCount: Int
    public var boxSize: Int
    public var pixelSize: Double
    public var classification: ClassificationState
    /// How the engine's maps (`classification.classVolumes`, half maps) are written: on the images'
    /// density scale as RELION reconstructs it. nil for a state written before Fovea kept it (its
    /// maps are then written in the engine's units).
    public var densityScale: MapDensityScale?
    /// The format the state was read in (`formatVersion` for a state made by this program).
    public var storedFormatVersion = RunState.formatVersion

    public init(config: ClassificationConfig, inputs: RunInputPaths, particleCount: Int, boxSize: Int,
                pixelSize: Double, classification: ClassificationState, densityScale: MapDensityScale? = nil) {
        self.config = config; self.inputs = inputs; self.particleCount = particleCount
        self.boxSize = boxSize; self.pixelSize = pixelSize; self.classification = classification
        self.densityScale = densityScale
    }

    /// `map` (engine units) as Fovea writes it: class maps, half maps and what is computed from
    /// them are all on this one scale (docs/conventions.md "Map scale").
    public func writtenMap(_ map: Volume) -> Volume { Self.writtenMap(map, densityScale: densityScale) }

    /// `map` (engine units) as Fovea writes it with `densityScale` (nil, or another box: as it is).
    public static func writtenMap(_ map: Volume, densityScale: MapDensityScale?) -> Volume {
        guard let densityScale, densityScale.boxSize == map.size else { return map }
        return densityScale.densityMap(map)
    }

    /// The class maps as written (`writtenMap` of each class volume).
    public var writtenClassMaps: [Volume] { classification.classVolumes.map(writtenMap) }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Writes the file atomically (temporary name, then rename).
    public func write(to path: String) throws {
        let k = config.classCount, ops = config.operatorCount
        let n = classification.classVolumes.first?.size ?? boxSize
        let rowCount = particleCount * ops
        try HDF5File.write(to: path) { file in
            try file.setAttribute("fovea_version", FoveaVersion.string)
            try file.setAttribute("format_version", Int64(Self.formatVersion))
            try file.setAttribute("config", try Self.json(config))
            try file.setAttribute("inputs", try Self.json(inputs))
            try file.setAttribute("particle_count", Int64(particleCount))
            try file.setAttribute("operator_count", Int64(ops))
            try file.setAttribute("box_size", Int64(boxSize))
            try file.setAttribute("volume_box", Int64(n))
            try file.setAttribute("pixel_size", pixelSize)
            try file.setAttribute("cycle", Int64(classification.cycle))
            try file.setAttribute("history", try Self.json(classification.history))
            let rows = try file.createGroup("rows")
            try rows.writeDataset("particle_index", (0..<rowCount).map { Int64($0 / ops + 1) })
            try rows.writeDataset("operator_index", (0..<rowCount).map { Int64($0 % ops + 1) })
            try rows.writeDataset("occupancy", classification.occupancy.values, shape: [rowCount, k])
            try rows.writeDataset("logp", classification.logP.values, shape: [rowCount, k])
            try rows.writeDataset("best_class", classification.bestClass.map { $0.map { $0 + 1 } }
                                  ?? [Int32](repeating: 0, count: rowCount))
            if let sigma = classification.sigma { try rows.writeDataset("sigma", sigma) }
            let classes = try file.createGroup("classes")
            // One class at a time: a copy of all K maps at once would double what the final pass holds.
            let volumes = try classes.createDataset("volumes", of: Float.self, shape: [k, n, n, n])
            defer { volumes.close() }
            for (c, volume) in classification.classVolumes.enumerated() { try volumes.writeRows(volume.voxels, startingAt: c) }
            let shells = n / 2 + 1
            let fsc = (0..<k).flatMap { c -> [Double] in
                let curve = c < classification.fscCurves.count ? classification.fscCurves[c] : []
                return (0..<shells).map { $0 < curve.count ? curve[$0] : 0 }
            }
            try classes.writeDataset("fsc", fsc, shape: [k, shells])
            if let densityScale {
                try classes.writeDataset("density_scale", densityScale.noiseAmplitude, shape: [densityScale.noiseAmplitude.count])
            }
            let cycles = try file.createGroup("cycles")
            let history = classification.history, c = history.count
            try cycles.writeDataset("soft_fractions", history.flatMap(\.statistics.softFractions), shape: [c, k])
            try cycles.writeDataset("hard_fractions", history.flatMap(\.statistics.hardFractions), shape: [c, k])
            try cycles.writeDataset("changed_fraction", history.map(\.statistics.changedFraction), shape: [c])
            try cycles.writeDataset("mean_logp", history.map(\.statistics.meanLogP), shape: [c])
            try cycles.writeDataset("seconds", history.map(\.seconds), shape: [c])
            try cycles.writeDataset("resolution", history.flatMap(\.resolutions), shape: [c, k])
        }
    }

    /// This state with its class volumes at the particles' box N (a checkpoint's, on the cycles'
    /// grid, zero-padded in Fourier space, which keeps every frequency they hold), for readers
    /// that show or compare maps at the data's box.
    public func withFullBoxVolumes() -> RunState {
        var copy = self
        copy.classification.classVolumes = classification.classVolumes.map { $0.size == boxSize ? $0 : $0.fourierResized(to: boxSize) }
        return copy
    }

    /// The product of `factors`, or nil when it overflows `Int`.
    static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = value
        }
        return result
    }

    /// Reads a state file, checking its format version, sizes and shapes; sizes read from the file
    /// are checked before they are used (a damaged file is an error, never a trap).
    public static func read(from path: String) throws -> RunState {
        guard FileManager.default.fileExists(atPath: path) else {
            throw RunInputError("\(path): no such file (a run's checkpoint.h5 or run.h5)")
        }
        return try HDF5File.read(path) { file in
            let version: Int64 = try file.attribute("format_version")
            guard version <= Int64(formatVersion) else {
                throw RunInputError("\(path): state format \(version) is newer than this program reads (\(formatVersion))")
            }
            /// Decodes a JSON attribute; a damaged one is named with the file.
            func decoded<T: Decodable>(_ type: T.Type, attribute: String) throws -> T {
                let text = try file.stringAttribute(attribute)
                do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
                    throw RunInputError("\(path): attribute \(attribute) is not the JSON this version writes "
                                        + "(damaged or foreign file): \(error)")
                }
            }
            let config = try decoded(ClassificationConfig.self, attribute: "config")
            let inputs = try decoded(RunInputPaths.self, attribute: "inputs")
            let history = try decoded([CycleReport].self, attribute: "history")
            let particleCount = Int(try file.attribute("particle_count", as: Int64.self))
            let box = Int(try file.attribute("box_size", as: Int64.self))
            let n = version >= 2 ? Int(try file.attribute("volume_box", as: Int64.self)) : box
            let pixelSize: Double = try file.attribute("pixel_size")
            let cycle = Int(try file.attribute("cycle", as: Int64.self))
            // Sizes read from the file are checked before any arithmetic or allocation with them.
            func invalid(_ what: String) -> RunInputError {
                RunInputError("\(path): \(what) (not a checkpoint written by Fovea, or damaged)")
            }
            guard particleCount > 0 else { throw invalid("particle_count \(particleCount)") }
            guard box >= 2, box <= RunPlan.maximumBox, box % 2 == 0 else { throw invalid("box_size \(box) (runs have even boxes)") }
            guard n >= 2, n <= box, n % 2 == 0 else { throw invalid("volume_box \(n) with box_size \(box)") }
            guard pixelSize.isFinite, pixelSize > 0 else { throw invalid("pixel_size \(pixelSize)") }
            guard cycle >= 0, cycle == history.count else { throw invalid("cycle \(cycle) with \(history.count) cycles of history") }
            let k = config.classCount
            guard let rowCount = Self.product([particleCount, config.operatorCount]),
                  let tableCount = Self.product([rowCount, k]), let voxelCount = Self.product([k, n, n, n]) else {
                throw invalid("\(particleCount) particles × \(config.operatorCount) operators × \(k) classes is too large")
            }
            for (index, report) in history.enumerated()
            where report.statistics.softFractions.count != k || report.statistics.hardFractions.count != k
                || report.resolutions.count != k {
                throw invalid("cycle \(index + 1) of the history does not have \(k) classes")
            }
            let occupancy: [Float] = try file.readDataset("rows/occupancy")
            let logP: [Float] = try file.readDataset("rows/logp")
            let best: [Int32] = try file.readDataset("rows/best_class")
            // The class volumes are read one class at a time (all K at once and then split would
            // hold them twice: 2 GB at box 320, K = 8).
            let volumeSet = try file.openDataset("classes/volumes")
            defer { volumeSet.close() }
            let volumeShape = try volumeSet.shape()
            let fsc: [Double] = try file.readDataset("classes/fsc")
            let shells = n / 2 + 1
            guard occupancy.count == tableCount, logP.count == tableCount, best.count == rowCount,
                  Self.product(volumeShape) == voxelCount, volumeShape.first == k, fsc.count == k * shells else {
                throw RunInputError("\(path): datasets do not match \(rowCount) rows × \(k) classes at box \(n) (truncated or foreign file)")
            }
            // Best classes are 1…K, or all 0 before the first cycle.
            let beforeFirstCycle = best.allSatisfy { $0 == 0 }
            if !beforeFirstCycle, let bad = best.firstIndex(where: { $0 < 1 || $0 > Int32(k) }) {
                throw invalid("rows/best_class[\(bad)] is \(best[bad]), not a class 1…\(k)")
            }
            let volumes = try (0..<k).map { c in
                Volume(size: n, pixelSize: pixelSize * Double(box) / Double(n), voxels: try volumeSet.readRows(c..<(c + 1)))
            }
            var sigma: [Float]?
            if file.contains("rows/sigma") {
                let values: [Float] = try file.readDataset("rows/sigma")
                guard values.count == rowCount else { throw invalid("rows/sigma has \(values.count) values, not \(rowCount)") }
                if let bad = values.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
                    throw invalid("rows/sigma[\(bad)] is \(values[bad]), not a finite value > 0")
                }
                sigma = values
            }
            let classification = ClassificationState(
                cycle: cycle, occupancy: ClassTable(rowCount: rowCount, classCount: k, values: occupancy),
                logP: ClassTable(rowCount: rowCount, classCount: k, values: logP),
                bestClass: beforeFirstCycle ? nil : best.map { $0 - 1 }, classVolumes: volumes,
                fscCurves: (0..<k).map { Array(fsc[($0 * shells)..<(($0 + 1) * shells)]) }, history: history, sigma: sigma)
            var densityScale: MapDensityScale?
            if file.contains("classes/density_scale") {
                let amplitude: [Double] = try file.readDataset("classes/density_scale")
                guard amplitude.count == box / 2 + 1, amplitude.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                    throw invalid("classes/density_scale is not \(box / 2 + 1) finite values ≥ 0")
                }
                densityScale = MapDensityScale(noiseAmplitude: amplitude, boxSize: box)
            }
            var state = RunState(config: config, inputs: inputs, particleCount: particleCount, boxSize: box,
                                 pixelSize: pixelSize, classification: classification, densityScale: densityScale)
            state.storedFormatVersion = Int(version)
            return state
        }
    }
}
