import Foundation
import FoveaCore
import FoveaIO

/// Names of the columns `fovea classify` adds to a run's `particles.star` and `fovea expand` adds
/// to an expanded STAR (docs/formats.md, the run-folder contract).
public enum FoveaRunColumn {
    /// 1-based row of the input STAR the row came from.
    public static let particleIndex = "rlnFoveaParticleIndex"
    /// 1-based operator of the expansion group (`PointGroup.operators` order; 1 = identity).
    public static let operatorIndex = "rlnFoveaOperatorIndex"
    /// 1-based class of highest occupancy.
    public static let classNumber = "rlnClassNumber"
    /// Highest occupancy / 100.
    public static let maxProbability = "rlnMaxValueProbDistribution"
    /// `rlnFoveaOccupancy1` … `rlnFoveaOccupancyK`, percent.
    public static let occupancyPrefix = "rlnFoveaOccupancy"
    /// `rlnFoveaClassOp1` …: the class of each expansion copy, written by `collapse`.
    public static let classOfOperatorPrefix = "rlnFoveaClassOp"
}

/// The rows of a classification run's `particles.star`: one per (particle, operator) pair, with the
/// run's columns parsed. Only the contract's columns are needed: rlnClassNumber,
/// rlnFoveaParticleIndex, rlnFoveaOperatorIndex (1 when absent) and rlnFoveaOccupancy1…K (optional).
public struct RunParticleRows: Sendable {
    /// The STAR as read (angles = the rows' expanded views).
    public var table: ParticleTable
    /// The file read.
    public var file: String
    /// Per row: 1-based input particle, 1-based operator, 1-based class.
    public var particleIndex: [Int]
    public var operatorIndex: [Int]
    public var classNumber: [Int]
    /// Per row, K occupancies in percent (K = 0 when the file has no rlnFoveaOccupancy columns).
    public var occupancies: [[Double]]

    /// Reads `path`: a run folder (then `path/particles.star`) or a STAR file.
    /// - Throws: `FormatError` naming the file, the particle (1-based row) and the column.
    public init(runOrStar path: String) throws {
        var isFolder: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
            ? URL(fileURLWithPath: path).appendingPathComponent("particles.star").path : path
        try self.init(table: try ParticleTable(relionStarAt: file), file: file)
    }

    /// Parses the run columns of an already read table.
    public init(table: ParticleTable, file: String) throws {
        self.table = table
        self.file = file
        func column(_ name: String) -> Int? { table.extraColumns.firstIndex(of: name) }
        guard let classColumn = column(FoveaRunColumn.classNumber) else {
            throw FormatError(file: file, location: "data_particles", field: FoveaRunColumn.classNumber,
                              "required column is missing: is this the particles.star of a `fovea classify` run folder?")
        }
        guard !table.particles.isEmpty else {
            throw FormatError(file: file, location: "data_particles", field: FoveaRunColumn.classNumber, "the table holds no rows")
        }
        let particleColumn = column(FoveaRunColumn.particleIndex)
        let operatorColumn = column(FoveaRunColumn.operatorIndex)
        var occupancyColumns: [Int] = []
        while let k = column(FoveaRunColumn.occupancyPrefix + String(occupancyColumns.count + 1)) { occupancyColumns.append(k) }
        func integer(_ k: Int?, _ row: Int, default value: Int) throws -> Int {
            guard let k else { return value }
            let text = table.particles[row].extraValues[k]
            guard let number = Int(text) ?? Double(text).flatMap({ $0 == $0.rounded() ? Int(exactly: $0) : nil }), number >= 1 else {
                throw FormatError(file: file, location: "particle \(row + 1)", field: table.extraColumns[k],
                                  "expected a positive integer, found '\(text)'")
            }
            return number
        }
        var particles: [Int] = [], operators: [Int] = [], classes: [Int] = [], occupancies: [[Double]] = []
        for row in table.particles.indices {
            particles.append(try integer(particleColumn, row, default: row + 1))
            operators.append(try integer(operatorColumn, row, default: 1))
            classes.append(try integer(classColumn, row, default: 1))
            occupancies.append(try occupancyColumns.map { k in
                let text = table.particles[row].extraValues[k]
                guard let value = Double(text), value.isFinite else {
                    throw FormatError(file: file, location: "particle \(row + 1)", field: table.extraColumns[k],
                                      "expected a number (percent), found '\(text)'")
                }
                return value
            })
        }
        particleIndex = particles
        operatorIndex = operators
        classNumber = classes
        self.occupancies = occupancies
    }

    public var count: Int { table.count }

    /// The highest operator index (the expansion group's order when every copy is present).
    public var operatorCount: Int { operatorIndex.max() ?? 1 }

    /// The input (unexpanded) orientation of row `row`. The stored view is S_op·M, so
    /// M = S_opᵀ·(S_op·M) with `group`'s operator; without a group, the angles of the same
    /// particle's operator-1 (identity) row. Operator 1 rows are returned unchanged.
    /// - Throws: `FormatError` when the operator is outside the group, or no group is known and the
    ///   particle has no operator-1 row.
    public func inputAngles(ofRow row: Int, group: PointGroup?, identityRows: [Int: Int]) throws -> EulerAngles {
        let op = operatorIndex[row]
        if op == 1 { return table.particles[row].angles }
        if let group {
            guard op <= group.order else {
                throw FormatError(file: file, location: "particle \(row + 1)", field: FoveaRunColumn.operatorIndex,
                                  "operator \(op) but group \(group.name) has \(group.order); give the run's --expand group with --group")
            }
            return (group.operators[op - 1].transposed * RotationMatrix(table.particles[row].angles)).eulerAngles
        }
        guard let identity = identityRows[particleIndex[row]] else {
            throw FormatError(file: file, location: "particle \(row + 1)", field: FoveaRunColumn.operatorIndex,
                              "operator \(op) row without an operator-1 row of particle \(particleIndex[row]): "
                              + "give the expansion group with --group to undo the operator")
        }
        return table.particles[identity].angles
    }

    /// Row of each particle's operator-1 (identity) copy, by 1-based particle index.
    public var identityRows: [Int: Int] {
        var rows: [Int: Int] = [:]
        for row in particleIndex.indices where operatorIndex[row] == 1 && rows[particleIndex[row]] == nil {
            rows[particleIndex[row]] = row
        }
        return rows
    }

    /// The expansion group named by `--expand G` in `RUN/run.json`'s command line, if any.
    public static func expansionGroup(runFolder: String) -> PointGroup? {
        let url = URL(fileURLWithPath: runFolder).appendingPathComponent("run.json")
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else { return nil }
        let tokens = text.split(whereSeparator: { $0.isWhitespace || $0 == "\"" || $0 == "," || $0 == "[" || $0 == "]" })
        for (i, token) in tokens.enumerated() {
            if token.hasPrefix("--expand=") { return try? PointGroup(name: String(token.dropFirst(9))) }
            if token == "--expand", i + 1 < tokens.count { return try? PointGroup(name: String(tokens[i + 1])) }
        }
        return nil
    }
}

extension ParticleTable {
    /// A copy without the extra columns `names` (values removed from every particle).
    public func removingColumns(_ names: (String) -> Bool) -> ParticleTable {
        let keep = extraColumns.indices.filter { !names(extraColumns[$0]) }
        var copy = self
        copy.extraColumns = keep.map { extraColumns[$0] }
        for i in copy.particles.indices { copy.particles[i].extraValues = keep.map { particles[i].extraValues[$0] } }
        return copy
    }

    /// A copy with extra columns `names` appended, values from `values(particleIndex)`.
    public func appendingColumns(_ names: [String], values: (Int) -> [String]) -> ParticleTable {
        var copy = self
        copy.extraColumns += names
        for i in copy.particles.indices { copy.particles[i].extraValues += values(i) }
        return copy
    }
}
