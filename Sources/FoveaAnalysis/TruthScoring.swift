import Foundation
import FoveaIO

/// A run's hard assignment per classified row, read from its `particles.star`
/// (`rlnClassNumber`, `rlnFoveaParticleIndex`, `rlnFoveaOperatorIndex`; docs/classify.md).
public struct RunAssignments: Sendable, Equatable {
    /// 1-based input particle of each row.
    public var particle: [Int]
    /// 1-based expansion operator of each row (1 without expansion).
    public var operatorIndex: [Int]
    /// 1-based class of each row.
    public var classNumber: [Int]

    public init(particle: [Int], operatorIndex: [Int], classNumber: [Int]) {
        self.particle = particle; self.operatorIndex = operatorIndex; self.classNumber = classNumber
    }

    /// Reads `path`: a run folder (its particles.star) or a STAR file.
    public init(runOrStar path: String) throws {
        var isFolder: ObjCBool = false
        let star = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
            ? path + "/particles.star" : path
        let document = try StarParser.parse(contentsOf: star)
        guard let loop = (document.block(named: "particles") ?? document.blocks.last)?.table else {
            throw FormatError(file: star, "no particle table (data_particles loop)")
        }
        func column(_ name: String) throws -> Int {
            guard let index = loop.columnIndex(name) else {
                throw FormatError(file: star, location: "data_particles", field: name,
                                  "missing column; is this the particles.star of a fovea classify run?")
            }
            return index
        }
        let (c, p, o) = (try column("rlnClassNumber"), try column("rlnFoveaParticleIndex"), try column("rlnFoveaOperatorIndex"))
        var particle: [Int] = [], op: [Int] = [], cls: [Int] = []
        for (i, row) in loop.rows.enumerated() {
            guard let a = Int(row[c]), let b = Int(row[p]), let d = Int(row[o]), a >= 1, b >= 1, d >= 1 else {
                throw FormatError(file: star, location: "particle row \(i + 1)", field: "rlnClassNumber",
                                  "class, particle and operator numbers must be positive integers")
            }
            cls.append(a); particle.append(b); op.append(d)
        }
        self.init(particle: particle, operatorIndex: op, classNumber: cls)
    }

    public var classCount: Int { classNumber.max() ?? 0 }
}

/// The true state of every asymmetric unit, from a simulator's `truth.star`.
public struct TruthTable: Sendable {
    /// Columns by name, rows in particle order (row i = particle i + 1).
    public let columns: [String: [String]]
    public let path: String

    public init(path: String) throws {
        let document = try StarParser.parse(contentsOf: path)
        guard let loop = document.block(named: "truth")?.table else {
            throw FormatError(file: path, location: "data_truth", "no truth table (data_truth loop)")
        }
        var columns: [String: [String]] = [:]
        for (index, name) in loop.columns.enumerated() { columns[name] = loop.rows.map { $0[index] } }
        self.columns = columns
        self.path = path
    }

    /// The truth column to score operator `op` (1-based) against: for the humanoid, the side under
    /// the mask for op 1 and the other side for op 2 (`--mask-side`), of the chosen `property`
    /// (Label, Arm, Hand or Foot); explicit `columns` (one per operator) override.
    public func column(forOperator op: Int, property: String, maskSide: String, explicit: [String]) throws -> [String] {
        let name: String
        if !explicit.isEmpty {
            guard op <= explicit.count else {
                throw FormatError(file: path, field: explicit.last, "give one truth column per expansion operator (\(op) needed)")
            }
            name = explicit[op - 1]
        } else {
            guard op <= 2 else { throw FormatError(file: path, "the humanoid has two sides; operator \(op) has none") }
            let side = (op == 1) == (maskSide == "A") ? "A" : "B"
            name = "foveaSide\(side)\(property)"
        }
        guard let values = columns[name] else { throw FormatError(file: path, location: "data_truth", field: name, "missing column") }
        return values
    }
}

/// Scores a run against the truth: `ContingencyTable` of classes × states, the best matching,
/// the preprint's measures and Cohen's κ.
public struct TruthScore: Sendable {
    public let table: ContingencyTable
    public let stateNames: [String]
    public let matching: [Int]
    public let confusion: ConfusionCounts
    public let cohenKappa: Double?

    public init(run: RunAssignments, truth: TruthTable, property: String = "Label", maskSide: String = "A",
                columns: [String] = []) throws {
        var labels: [String] = []
        for (p, op) in zip(run.particle, run.operatorIndex) {
            let values = try truth.column(forOperator: op, property: property, maskSide: maskSide, explicit: columns)
            guard p <= values.count else {
                throw FormatError(file: truth.path, location: "particle \(p)", "the run has particle \(p) but the truth only \(values.count)")
            }
            labels.append(values[p - 1])
        }
        stateNames = Set(labels).sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
        let index = Dictionary(uniqueKeysWithValues: stateNames.enumerated().map { ($1, $0) })
        table = ContingencyTable(assigned: run.classNumber.map { $0 - 1 }, truth: labels.map { index[$0]! },
                                 classCount: max(run.classCount, 1), stateCount: stateNames.count)
        matching = table.bestMatching()
        confusion = table.confusion(matching: matching)
        cohenKappa = table.classCount == table.stateCount ? table.cohenKappa(matching: matching) : nil
    }
}
