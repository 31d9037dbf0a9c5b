import Foundation
import FoveaIO

/// The rows of a classification run (`RUN/particles.star`, docs: run-folder contract): one row per
/// (particle, expansion operator) pair with its highest-occupancy class.
public struct ClassifiedRows: Sendable {
    /// The STAR file read.
    public var file: String
    /// The whole document (kept so that selected rows can be written back with every column).
    public var document: StarDocument
    /// Index of the particles block in `document.blocks`.
    public var blockIndex: Int
    /// 1-based input particle of each row (`rlnFoveaParticleIndex`; the 1-based row number when
    /// the column is absent, see `notes`).
    public var particleIndex: [Int]
    /// 1-based expansion operator of each row (`rlnFoveaOperatorIndex`; 1 when absent).
    public var operatorIndex: [Int]
    /// 1-based class of each row (`rlnClassNumber`).
    public var classNumber: [Int]
    /// Class numbers 1…K where K is the number of `rlnFoveaOccupancyN` columns, else the classes seen.
    public var classLabels: [Int]
    /// Fallbacks used while reading, for the user.
    public var notes: [String]

    public var count: Int { classNumber.count }

    /// Reads `path`: a run folder (then `path/particles.star`) or a STAR file.
    /// - Throws: `FormatError` naming the file, row and column for missing columns or bad values.
    public init(runOrStar path: String) throws {
        var isDirectory: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? (path as NSString).appendingPathComponent("particles.star") : path
        guard FileManager.default.fileExists(atPath: file) else {
            throw FormatError(file: file, "file not found (expected a run folder or a particles STAR file)")
        }
        let document = try StarParser.parse(contentsOf: file)
        guard let blockIndex = document.blocks.firstIndex(where: { $0.name == "particles" && $0.table != nil })
                ?? document.blocks.firstIndex(where: { $0.table?.columnIndex("rlnClassNumber") != nil }) else {
            throw FormatError(file: file, field: "rlnClassNumber",
                              "no particles block with a loop holding rlnClassNumber")
        }
        let block = document.blocks[blockIndex]
        let loop = block.table!
        let columns = StarColumnReader(file: file, blockName: block.name, loop: loop)
        let classColumn = try columns.require("rlnClassNumber")
        guard !loop.rows.isEmpty else {
            throw FormatError(file: file, location: "data_\(block.name)", field: "rlnClassNumber", "the table holds no rows")
        }
        var notes: [String] = []
        let particleColumn = columns.optional("rlnFoveaParticleIndex")
        let operatorColumn = columns.optional("rlnFoveaOperatorIndex")
        if particleColumn == nil { notes.append("\(file): no rlnFoveaParticleIndex column; row n is particle n") }
        if operatorColumn == nil { notes.append("\(file): no rlnFoveaOperatorIndex column; every row is operator 1") }
        var particles: [Int] = [], operators: [Int] = [], classes: [Int] = []
        for row in loop.rows.indices {
            classes.append(try columns.positiveInt(classColumn, row))
            particles.append(try particleColumn.map { try columns.positiveInt($0, row) } ?? row + 1)
            operators.append(try operatorColumn.map { try columns.positiveInt($0, row) } ?? 1)
        }
        let occupancyCount = loop.columns.filter { $0.hasPrefix("rlnFoveaOccupancy") }.count
        self.file = file
        self.document = document
        self.blockIndex = blockIndex
        self.particleIndex = particles
        self.operatorIndex = operators
        self.classNumber = classes
        self.classLabels = occupancyCount > 0 ? Array(1...occupancyCount) : Array(Set(classes)).sorted()
        self.notes = notes
        // The tables over classes (confusion, agreement) are K × K: a run has at most 1000 classes.
        if classLabels.count > 1000 {
            throw FormatError(file: file, field: "rlnClassNumber",
                              "\(classLabels.count) different classes; a classification has at most 1000")
        }
        if let beyond = classes.firstIndex(where: { !classLabels.contains($0) }) {
            throw FormatError(file: file, location: loop.location(ofRow: beyond), field: "rlnClassNumber",
                              "class \(classes[beyond]) but the file has only \(occupancyCount) occupancy columns")
        }
    }

    /// Row key (particle, operator), unique per row in a valid run.
    public func key(ofRow row: Int) -> RowKey { RowKey(particle: particleIndex[row], operator: operatorIndex[row]) }

    /// Writes the rows at `rows` (indices into this table) with all their columns and the other
    /// blocks (optics) unchanged, atomically.
    public func writeSubset(_ rows: [Int], to path: String, comment: [String] = []) throws {
        var document = self.document
        var loop = document.blocks[blockIndex].loops[0]
        loop.rows = rows.map { loop.rows[$0] }
        loop.rowLines = []
        document.blocks[blockIndex].loops[0] = loop
        try StarWriter.write(document, to: path, comment: comment)
    }
}

/// Identifies a classified row: 1-based particle and operator.
public struct RowKey: Hashable, Sendable, Comparable {
    public var particle: Int
    public var `operator`: Int
    public init(particle: Int, operator: Int) { self.particle = particle; self.operator = `operator` }
    public static func < (a: RowKey, b: RowKey) -> Bool { (a.particle, a.operator) < (b.particle, b.operator) }
}

extension StarColumnReader {
    /// A 1-based index value (≥ 1) of `column` in `row`.
    func positiveInt(_ column: Int, _ row: Int) throws -> Int {
        let n = try int(column, row)
        guard n >= 1 else {
            throw FormatError(file: file, location: loop.location(ofRow: row), field: loop.columns[column],
                              "\(n) must be ≥ 1 (1-based)")
        }
        return n
    }
}
