/// A STAR file as RELION and cisTEM write it: named `data_` blocks, each holding key–value
/// pairs and/or `loop_` tables. Values are kept as the text found in the file, so columns a
/// program does not understand survive a read–write round trip unchanged.
///
/// Names are stored without their leading `data_` / `_` (block "particles", column "rlnAngleRot").
public struct StarDocument: Sendable, Equatable {
    public var blocks: [StarBlock]

    public init(blocks: [StarBlock] = []) { self.blocks = blocks }

    /// The first block called `name` (without `data_`).
    public func block(named name: String) -> StarBlock? { blocks.first { $0.name == name } }
}

/// One `data_<name>` block.
public struct StarBlock: Sendable, Equatable {
    public var name: String
    /// Key–value pairs in file order (keys without `_`).
    public var pairs: [StarPair]
    /// `loop_` tables in file order.
    public var loops: [StarLoop]
    /// Line of the `data_` statement (1-based), for error messages; 0 when built in code.
    public var line: Int

    public init(name: String, pairs: [StarPair] = [], loops: [StarLoop] = [], line: Int = 0) {
        self.name = name
        self.pairs = pairs
        self.loops = loops
        self.line = line
    }

    /// The value of key `key` (without `_`), if present.
    public func value(forKey key: String) -> String? { pairs.first { $0.key == key }?.value }

    /// The first loop, which is the only one in RELION and cisTEM files.
    public var table: StarLoop? { loops.first }

    /// Equal content; the line numbers kept for error messages are ignored.
    public static func == (lhs: StarBlock, rhs: StarBlock) -> Bool {
        lhs.name == rhs.name && lhs.pairs == rhs.pairs && lhs.loops == rhs.loops
    }
}

/// One `_key value` line.
public struct StarPair: Sendable, Equatable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// One `loop_` table: column names (without `_`) and rows of raw text values.
public struct StarLoop: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String]]
    /// 1-based file line of each row (empty when built in code), for error messages.
    public var rowLines: [Int]

    public init(columns: [String], rows: [[String]] = [], rowLines: [Int] = []) {
        self.columns = columns
        self.rows = rows
        self.rowLines = rowLines
    }

    /// Position of column `name`, if present.
    public func columnIndex(_ name: String) -> Int? { columns.firstIndex(of: name) }

    /// Equal columns and rows; the line numbers kept for error messages are ignored.
    public static func == (lhs: StarLoop, rhs: StarLoop) -> Bool {
        lhs.columns == rhs.columns && lhs.rows == rhs.rows
    }

    /// "line N" for row `row` when the line is known, else "row N" (1-based).
    public func location(ofRow row: Int) -> String {
        row < rowLines.count ? "line \(rowLines[row])" : "row \(row + 1)"
    }
}
