import Foundation
import FoveaIO

/// A physical side of the two-fold humanoid (FoveaSimulate's `HumanoidSide`: A = +x, B = −x).
public enum PhysicalSide: String, Sendable, CaseIterable, Codable {
    case a = "A", b = "B"
    public var other: PhysicalSide { self == .a ? .b : .a }
}

/// Which truth property a class is scored against: `_foveaSide{S}{Arm,Hand,Foot,Label}`.
public enum TruthProperty: String, Sendable, CaseIterable, Codable {
    case arm, hand, foot, label
    /// Column name without the leading underscore, for side `side`.
    public func column(side: PhysicalSide) -> String {
        "foveaSide\(side.rawValue)\(rawValue.prefix(1).uppercased())\(rawValue.dropFirst())"
    }
}

/// The simulator's `truth.star` (block `data_truth`): per particle and side, arm conformation,
/// hand/foot presence and the scenario's state label.
public struct TruthTable: Sendable {
    public var file: String
    /// Row of each 1-based particle index.
    private var rowOfParticle: [Int: Int]
    /// Values per column name (without underscore), one per truth row: the humanoid's side
    /// columns, and every other column whose values are all integers (other simulators' truths).
    private var values: [String: [Int]]

    /// - Throws: `FormatError` for a missing block/column, a bad value or a repeated particle index.
    public init(path: String) throws {
        let document = try StarParser.parse(contentsOf: path)
        guard let block = document.block(named: "truth") ?? document.blocks.first(where: { $0.table != nil }),
              let loop = block.table else {
            throw FormatError(file: path, location: "data_truth", "no data_truth block with a loop")
        }
        let columns = StarColumnReader(file: path, blockName: block.name, loop: loop)
        let particleColumn = try columns.require("foveaParticleIndex")
        var rowOfParticle: [Int: Int] = [:]
        for row in loop.rows.indices {
            let p = try columns.positiveInt(particleColumn, row)
            if rowOfParticle[p] != nil {
                throw FormatError(file: path, location: loop.location(ofRow: row), field: "foveaParticleIndex",
                                  "particle \(p) appears twice")
            }
            rowOfParticle[p] = row
        }
        var values: [String: [Int]] = [:]
        for side in PhysicalSide.allCases {
            for property in TruthProperty.allCases {
                let name = property.column(side: side)
                guard let k = columns.optional(name) else { continue }
                values[name] = try loop.rows.indices.map { try columns.int(k, $0) }
            }
        }
        for (k, name) in loop.columns.enumerated() where values[name] == nil && name != "foveaParticleIndex" {
            let column = loop.rows.compactMap { Int($0[k]) }
            if column.count == loop.rows.count { values[name] = column }
        }
        self.file = path
        self.rowOfParticle = rowOfParticle
        self.values = values
    }

    /// The true state of rows given as 1-based particles and operators, read from `columns[op − 1]`
    /// (one explicit truth column per expansion operator; for data that are not the humanoid).
    /// - Throws: `FormatError` for a missing column, a particle without a truth row, or an
    ///   operator without a column.
    public func states(particles: [Int], operators: [Int], columns: [String]) throws -> [Int] {
        try zip(particles, operators).map { particle, op in
            guard op >= 1, op <= columns.count else {
                throw FormatError(file: file, field: columns.last, "give one truth column per expansion operator (operator \(op))")
            }
            guard let columnValues = values[columns[op - 1]] else {
                throw FormatError(file: file, location: "data_truth", field: columns[op - 1], "missing column (or not integers)")
            }
            guard let row = rowOfParticle[particle] else {
                throw FormatError(file: file, location: "data_truth", field: "foveaParticleIndex", "particle \(particle) has no truth row")
            }
            return columnValues[row]
        }
    }

    /// The humanoid truth of rows given as 1-based particles and operators (see `states(of:…)`).
    public func states(particles: [Int], operators: [Int], property: TruthProperty, maskSide: PhysicalSide) throws -> [Int] {
        try zip(particles, operators).map { particle, op in
            guard let side = Self.side(ofOperator: op, maskSide: maskSide) else {
                throw FormatError(file: file, field: "rlnFoveaOperatorIndex", "operator \(op): truth sides are defined for C2 copies (1, 2) only")
            }
            let column = property.column(side: side)
            guard let columnValues = values[column] else {
                throw FormatError(file: file, location: "data_truth", field: column, "required column is missing")
            }
            guard let row = rowOfParticle[particle] else {
                throw FormatError(file: file, location: "data_truth", field: "foveaParticleIndex", "particle \(particle) has no truth row")
            }
            return columnValues[row]
        }
    }

    public var particleCount: Int { rowOfParticle.count }

    /// Checks that this truth describes the run's particles: exactly one row for each particle
    /// 1…`particleCount`, so a truth file of another dataset is refused before any work instead of
    /// scoring the wrong particles.
    /// - Throws: `FormatError` naming the truth file and what does not match.
    public func requireParticles(count particleCount: Int, of table: String) throws {
        guard self.particleCount == particleCount else {
            throw FormatError(file: file, location: "data_truth", field: "foveaParticleIndex",
                              "the truth has \(self.particleCount) particles but \(table) has \(particleCount): "
                              + "the truth file belongs to another dataset")
        }
        if let stray = rowOfParticle.keys.first(where: { $0 > particleCount }) {
            throw FormatError(file: file, location: "data_truth", field: "foveaParticleIndex",
                              "particle \(stray) is beyond the \(particleCount) particles of \(table): "
                              + "the truth file belongs to another dataset")
        }
    }

    /// The physical side a copy sees under the focus mask: operator 1 sees `maskSide`, operator 2
    /// the other side (run-folder contract, "Expanded copies and sides").
    public static func side(ofOperator op: Int, maskSide: PhysicalSide) -> PhysicalSide? {
        switch op {
        case 1: return maskSide
        case 2: return maskSide.other
        default: return nil
        }
    }

    /// The true state (value of `property`) of every row of `rows`, taken on the side under the
    /// mask for that row's copy — or the opposite side when `opposite` is true.
    /// - Throws: `FormatError` naming the missing truth column, a run row with no truth row, or an
    ///   operator other than 1/2.
    public func states(of rows: ClassifiedRows, property: TruthProperty, maskSide: PhysicalSide,
                       opposite: Bool = false) throws -> [Int] {
        let location = rows.document.blocks[rows.blockIndex].table!
        return try rows.classNumber.indices.map { row in
            guard let side = Self.side(ofOperator: rows.operatorIndex[row], maskSide: maskSide) else {
                throw FormatError(file: rows.file, location: location.location(ofRow: row), field: "rlnFoveaOperatorIndex",
                                  "operator \(rows.operatorIndex[row]): truth sides are defined for C2 copies (1, 2) only")
            }
            let column = property.column(side: opposite ? side.other : side)
            guard let columnValues = values[column] else {
                throw FormatError(file: file, location: "data_truth", field: column, "required column is missing")
            }
            guard let truthRow = rowOfParticle[rows.particleIndex[row]] else {
                throw FormatError(file: rows.file, location: location.location(ofRow: row), field: "rlnFoveaParticleIndex",
                                  "particle \(rows.particleIndex[row]) has no row in \(file)")
            }
            return columnValues[truthRow]
        }
    }
}
