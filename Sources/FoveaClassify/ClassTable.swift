/// A rows × classes table of Float (occupancies in %, LogP, or σ per class), row-major:
/// `values[row * classCount + k]`. Rows are a rank's local rows (`ExpandedRows` order).
public struct ClassTable: Sendable, Equatable, Codable {
    public let rowCount: Int
    public let classCount: Int
    /// rowCount × classCount values, row-major.
    public var values: [Float]

    public init(rowCount: Int, classCount: Int, values: [Float]) {
        precondition(rowCount >= 0 && classCount >= 1 && values.count == rowCount * classCount,
                     "ClassTable needs rowCount × classCount values")
        self.rowCount = rowCount
        self.classCount = classCount
        self.values = values
    }

    public init(rowCount: Int, classCount: Int, repeating value: Float = 0) {
        self.init(rowCount: rowCount, classCount: classCount,
                  values: [Float](repeating: value, count: rowCount * classCount))
    }

    @inlinable
    public subscript(row: Int, classIndex: Int) -> Float {
        get { values[row * classCount + classIndex] }
        set { values[row * classCount + classIndex] = newValue }
    }

    /// The values of one row.
    public func row(_ row: Int) -> ArraySlice<Float> {
        values[row * classCount ..< (row + 1) * classCount]
    }

    /// Index of the largest value of each row (the lowest index on ties): the hard assignment.
    public func argmaxPerRow() -> [Int32] {
        (0..<rowCount).map { row in
            var best = 0
            var bestValue = values[row * classCount]
            for k in 1..<max(classCount, 1) where values[row * classCount + k] > bestValue {
                best = k
                bestValue = values[row * classCount + k]
            }
            return Int32(best)
        }
    }
}
