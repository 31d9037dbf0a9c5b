import Foundation
import FoveaCore
import FoveaIO

/// The ceiling's file in a dataset folder, `ceiling.star` (block `data_ceiling`): one row per
/// particle with `_foveaParticleIndex` (1-based), `_foveaCeilingLabels` (labels per side) and per
/// side S ∈ {A, B} `_foveaSide{S}CeilingAccuracy` (expected accuracy of the ideal observer, 0 … 1)
/// and `_foveaSide{S}Separation` (smallest whitened distance to another label, noise σ units).
public struct CeilingTable: Sendable {
    /// Labels per side.
    public var labelCount: Int
    /// Accuracy of each 1-based particle's sides (A, B).
    public var accuracy: [Int: (a: Double, b: Double)]

    public static let fileName = "ceiling.star"

    public init(_ ceiling: IdealObserverCeiling) {
        labelCount = ceiling.labelCount
        accuracy = Dictionary(uniqueKeysWithValues: ceiling.units.enumerated().map { ($0 + 1, ($1[0].accuracy, $1[1].accuracy)) })
    }

    /// Writes `ceiling.star` for `ceiling` into `folder`.
    public static func write(_ ceiling: IdealObserverCeiling, to folder: String) throws {
        var columns = ["foveaParticleIndex", "foveaCeilingLabels"]
        for side in ["A", "B"] { columns += ["foveaSide\(side)CeilingAccuracy", "foveaSide\(side)Separation"] }
        let rows = ceiling.units.enumerated().map { i, unit -> [String] in
            [String(i + 1), String(ceiling.labelCount)] + unit.flatMap { [String($0.accuracy), String($0.separation)] }
        }
        try StarWriter.write(StarDocument(blocks: [StarBlock(name: "ceiling", loops: [StarLoop(columns: columns, rows: rows)])]),
                             to: folder + "/" + fileName)
    }

    /// Reads a `ceiling.star`.
    /// - Throws: `FormatError` naming the file, row and column of a missing or bad value.
    public init(path: String) throws {
        let document = try StarParser.parse(contentsOf: path)
        guard let block = document.block(named: "ceiling"), let loop = block.table else {
            throw FormatError(file: path, location: "data_ceiling", "no data_ceiling block with a loop")
        }
        let columns = StarColumnReader(file: path, blockName: block.name, loop: loop)
        let particle = try columns.require("foveaParticleIndex"), labels = try columns.require("foveaCeilingLabels")
        let sideA = try columns.require("foveaSideACeilingAccuracy"), sideB = try columns.require("foveaSideBCeilingAccuracy")
        func probability(_ column: Int, _ row: Int) throws -> Double {
            guard let value = Double(loop.rows[row][column]), (0...1).contains(value) else {
                throw FormatError(file: path, location: loop.location(ofRow: row), field: loop.columns[column],
                                  "'\(loop.rows[row][column])' is not an accuracy between 0 and 1")
            }
            return value
        }
        var accuracy: [Int: (a: Double, b: Double)] = [:]
        var labelCount = 2
        for row in loop.rows.indices {
            let p = try columns.int(particle, row)
            guard p >= 1, accuracy[p] == nil else {
                throw FormatError(file: path, location: loop.location(ofRow: row), field: "foveaParticleIndex",
                                  "particle \(p) is not a new index ≥ 1")
            }
            labelCount = try columns.int(labels, row)
            guard (2...1000).contains(labelCount) else {
                throw FormatError(file: path, location: loop.location(ofRow: row), field: "foveaCeilingLabels",
                                  "\(labelCount) labels: expected 2 … 1000")
            }
            accuracy[p] = (try probability(sideA, row), try probability(sideB, row))
        }
        self.labelCount = labelCount
        self.accuracy = accuracy
    }

    /// Mean ceiling accuracy of run rows given as 1-based particles and the side each row scores.
    /// - Throws: `FormatError` for a particle without a ceiling row.
    public func accuracy(particles: [Int], sides: [HumanoidSide], file: String) throws -> Double {
        guard !particles.isEmpty else { return .nan }
        var sum = 0.0
        for (p, side) in zip(particles, sides) {
            guard let row = accuracy[p] else {
                throw FormatError(file: file, location: "data_ceiling", field: "foveaParticleIndex", "particle \(p) has no ceiling row")
            }
            sum += side == .a ? row.a : row.b
        }
        return sum / Double(particles.count)
    }
}

extension HumanoidParticleDataset.Settings {
    /// The settings a dataset folder's `simulation.json` records (written by `fovea simulate`), so
    /// the dataset's views, CTFs and noise levels can be made again without its images.
    /// - Throws: `FormatError` naming the file and the field that is missing or out of range.
    public init(simulationRecord path: String) throws {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw FormatError(file: path, "not readable as JSON: \(error.localizedDescription)")
        }
        guard let record = object as? [String: Any] else { throw FormatError(file: path, "not a JSON object") }
        func number(_ key: String) throws -> Double {
            guard let value = (record[key] as? NSNumber)?.doubleValue, value.isFinite else {
                throw FormatError(file: path, field: key, "missing or not a number")
            }
            return value
        }
        func integer(_ key: String, _ range: ClosedRange<Int>) throws -> Int {
            let value = try number(key)
            guard value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
                throw FormatError(file: path, field: key, "\(value) is not an integer in \(range.lowerBound) … \(range.upperBound)")
            }
            return Int(value)
        }
        guard let scenario = HumanoidScenario(rawValue: try integer("scenario", 1...3)) else {
            throw FormatError(file: path, field: "scenario", "not 1, 2 or 3")
        }
        guard let seed = (record["seed"] as? NSNumber)?.uint64Value else { throw FormatError(file: path, field: "seed", "missing") }
        let snr = try number("snr")
        guard snr > 0 else { throw FormatError(file: path, field: "snr", "must be > 0") }
        self.init(scenario: scenario, count: try integer("particles", 1...100_000_000), snr: snr, seed: seed)
        let box = try integer("box", 8...2048), pixel = try number("pixel_size")
        guard box % 2 == 0, pixel > 0 else { throw FormatError(file: path, field: "box", "box must be even and the pixel size > 0") }
        grid = HumanoidGrid(size: box, pixelSize: pixel)
        structuralFraction = try number("structural_fraction")
        bFactor = try number("bfactor")
        shiftRange = try number("shift_range_angstrom")
        guard (0...1).contains(structuralFraction), bFactor >= 0, shiftRange >= 0 else {
            throw FormatError(file: path, field: "structural_fraction", "structural fraction, B-factor or shift range out of range")
        }
        guard let range = record["defocus_range"] as? [NSNumber], range.count == 2,
              range[0].doubleValue > 0, range[1].doubleValue > range[0].doubleValue else {
            throw FormatError(file: path, field: "defocus_range", "expected [smallest, largest] with 0 < smallest < largest")
        }
        defocusRange = range[0].doubleValue...range[1].doubleValue
        if record["astigmatism"] != nil { astigmatism = try number("astigmatism") }
        if let values = record["imperfections"] as? [String: Any] {
            func value(_ key: String, _ range: ClosedRange<Double>) throws -> Double {
                guard let v = (values[key] as? NSNumber)?.doubleValue, range.contains(v) else {
                    throw FormatError(file: path, field: "imperfections.\(key)", "missing or outside \(range.lowerBound) … \(range.upperBound)")
                }
                return v
            }
            imperfections.contrastLogSpread = try value("contrast_log_spread", 0...3)
            imperfections.noiseLogSpread = try value("noise_log_spread", 0...3)
            imperfections.noiseColourMax = try value("noise_colour_bfactor_max", 0...10_000)
            imperfections.bFactorSpread = try value("bfactor_spread", 0...10_000)
            imperfections.junkFraction = try value("junk_fraction", 0...1)
            imperfections.particlesPerMicrograph = Int(try value("micrograph_particles", 1...1e8))
            imperfections.normalise = (values["normalised_on_background"] as? Bool) ?? imperfections.isActive
        }
    }
}
