/// Typed, checked access to the columns of one STAR loop, with errors that name the file, the
/// block, the line and the column.
public struct StarColumnReader {
    public let file: String
    public let blockName: String
    public let loop: StarLoop

    /// A reader of `loop` of block `blockName` in `file`.
    public init(file: String, blockName: String, loop: StarLoop) {
        self.file = file
        self.blockName = blockName
        self.loop = loop
    }

    init(file: String, block: StarBlock) throws {
        guard let loop = block.table else {
            throw FormatError(file: file, location: "data_\(block.name)", "block has no loop_ table")
        }
        self.file = file
        self.blockName = block.name
        self.loop = loop
    }

    var rowCount: Int { loop.rows.count }

    /// Index of a column that must be present.
    public func require(_ name: String) throws -> Int {
        guard let k = loop.columnIndex(name) else {
            throw FormatError(file: file, location: "data_\(blockName)", field: name, "required column is missing")
        }
        return k
    }

    /// Index of a column that may be absent.
    public func optional(_ name: String) -> Int? { loop.columnIndex(name) }

    /// Index of the first of `names` present (alternatives, e.g. pixel or Å origins).
    func first(of names: [String]) -> (index: Int, name: String)? {
        for name in names { if let k = loop.columnIndex(name) { return (k, name) } }
        return nil
    }

    func text(_ column: Int, _ row: Int) -> String { loop.rows[row][column] }

    func double(_ column: Int, _ row: Int) throws -> Double {
        let value = loop.rows[row][column]
        guard let number = Double(value), number.isFinite else {
            throw FormatError(file: file, location: loop.location(ofRow: row), field: loop.columns[column],
                              "'\(value)' is not a finite number")
        }
        return number
    }

    /// A value of an optional column, or `fallback` when the column is absent.
    func double(_ column: Int?, _ row: Int, default fallback: Double) throws -> Double {
        guard let column else { return fallback }
        return try double(column, row)
    }

    /// An integer; also accepts integral values written as decimals ("2.000000").
    public func int(_ column: Int, _ row: Int) throws -> Int {
        let value = loop.rows[row][column]
        if let n = Int(value) { return n }
        if let d = Double(value), d == d.rounded(), abs(d) < 1e15 { return Int(d) }
        throw FormatError(file: file, location: loop.location(ofRow: row), field: loop.columns[column],
                          "'\(value)' is not an integer")
    }

    func int(_ column: Int?, _ row: Int, default fallback: Int) throws -> Int {
        guard let column else { return fallback }
        return try int(column, row)
    }

    /// A half-set number (0 unknown, 1 or 2) from an optional column.
    func halfSet(_ column: Int?, _ row: Int) throws -> Int {
        let value = try int(column, row, default: 0)
        guard (0...2).contains(value) else { throw error(column!, row, "half set \(value) is not 0, 1 or 2") }
        return value
    }

    /// An error about row `row`, column `column`.
    func error(_ column: Int, _ row: Int, _ message: String) -> FormatError {
        FormatError(file: file, location: loop.location(ofRow: row), field: loop.columns[column], message)
    }
}

/// Text of numbers written into STAR and other text tables: the shortest text that reads back to
/// the same `Double`, so write–read round trips are exact.
public enum StarNumber {
    /// `DecimalText` of `value`, integers as "300.0".
    public static func text(_ value: Double) -> String {
        let value = DecimalText.rounded(value)
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) + ".0" }
        return String(value)
    }
}
