/// How the classes (rows of a `ConfusionTable`) were mapped onto the states (columns).
public enum MatchingRule: String, Sendable, Codable {
    /// One class per state, chosen to maximise the number of rows on the matched diagonal
    /// (Hungarian algorithm; exact). Used when classes ≤ states; unmatched states get no class.
    case oneToOne = "one-to-one (Hungarian, maximum agreement)"
    /// More classes than states: each class goes to the state holding most of its rows
    /// (ties → the lower state); several classes can share one state.
    case majority = "many-to-one (each class to its majority state)"
}

/// A mapping of classes (row labels) to states (column labels) and the table it produces.
public struct ClassMatching: Sendable, Equatable {
    /// For each row index r of the source table, the column index it is mapped to (nil: unmatched,
    /// only possible for rows of an all-zero class).
    public var stateIndexOfClass: [Int?]
    public var rule: MatchingRule
    /// Square table, rows = predicted state (via the mapping), columns = true state, both in the
    /// source table's column-label order.
    public var matchedTable: ConfusionTable

    /// Best matching of the rows (classes) of `table` to its columns (states).
    public init(_ table: ConfusionTable) {
        let k = table.rowLabels.count, m = table.columnLabels.count
        var mapping: [Int?]
        if k <= m {
            rule = .oneToOne
            mapping = BestAssignment.maximising(table.counts).map { Optional($0) }
        } else {
            rule = .majority
            mapping = table.counts.map { row in
                guard !row.isEmpty else { return nil }  // no states at all
                var best = 0
                for c in row.indices where row[c] > row[best] { best = c }
                return best
            }
        }
        stateIndexOfClass = mapping
        var counts = Array(repeating: Array(repeating: 0, count: m), count: m)
        for r in 0..<k {
            guard let s = mapping[r] else { continue }
            for c in 0..<m { counts[s][c] += table.counts[r][c] }
        }
        matchedTable = ConfusionTable(rowLabels: table.columnLabels, columnLabels: table.columnLabels, counts: counts)
    }

    /// Number of rows on the matched diagonal.
    public var agreements: Int { matchedTable.rowLabels.indices.reduce(0) { $0 + matchedTable.counts[$1][$1] } }
}

/// Maximum-weight assignment of rows to distinct columns (rows ≤ columns), by the Hungarian
/// algorithm (Kuhn–Munkres with potentials, O(n²m)).
public enum BestAssignment {
    /// For a weight matrix `weights[r][c]` (rows ≤ columns), the column of each row such that no
    /// two rows share a column and the total weight is largest.
    public static func maximising(_ weights: [[Int]]) -> [Int] {
        let n = weights.count
        guard n > 0 else { return [] }
        let m = weights[0].count
        precondition(n <= m, "assignment needs rows ≤ columns")
        let largest = weights.joined().max() ?? 0
        // Minimise cost = largest − weight. 1-based arrays as in the classic formulation.
        var u = [Int](repeating: 0, count: n + 1), v = [Int](repeating: 0, count: m + 1)
        var rowOfColumn = [Int](repeating: 0, count: m + 1), way = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            rowOfColumn[0] = i
            var j0 = 0
            var minimum = [Int](repeating: Int.max, count: m + 1)
            var used = [Bool](repeating: false, count: m + 1)
            repeat {
                used[j0] = true
                let i0 = rowOfColumn[j0]
                var delta = Int.max, j1 = 0
                for j in 1...m where !used[j] {
                    let current = (largest - weights[i0 - 1][j - 1]) - u[i0] - v[j]
                    if current < minimum[j] { minimum[j] = current; way[j] = j0 }
                    if minimum[j] < delta { delta = minimum[j]; j1 = j }
                }
                for j in 0...m {
                    if used[j] { u[rowOfColumn[j]] += delta; v[j] -= delta } else { minimum[j] -= delta }
                }
                j0 = j1
            } while rowOfColumn[j0] != 0
            repeat {
                let j1 = way[j0]
                rowOfColumn[j0] = rowOfColumn[j1]
                j0 = j1
            } while j0 != 0
        }
        var columnOfRow = [Int](repeating: 0, count: n)
        for j in 1...m where rowOfColumn[j] != 0 { columnOfRow[rowOfColumn[j] - 1] = j - 1 }
        return columnOfRow
    }
}
