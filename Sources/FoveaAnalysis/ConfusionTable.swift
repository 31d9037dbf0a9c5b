/// A contingency table of counts: rows are one labelling (e.g. assigned classes), columns another
/// (e.g. true states). `counts[r][c]` = number of items with row label `rowLabels[r]` and column
/// label `columnLabels[c]`.
public struct ConfusionTable: Sendable, Equatable {
    /// Labels of the rows (e.g. class numbers 1…K), in table order.
    public var rowLabels: [Int]
    /// Labels of the columns (e.g. true state values), in table order.
    public var columnLabels: [Int]
    /// counts[row][column], shape rowLabels.count × columnLabels.count.
    public var counts: [[Int]]

    public init(rowLabels: [Int], columnLabels: [Int], counts: [[Int]]) {
        precondition(counts.count == rowLabels.count && counts.allSatisfy { $0.count == columnLabels.count },
                     "counts must be rowLabels.count × columnLabels.count")
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.counts = counts
    }

    /// Cross-tabulates paired labels; the labels of each side are the distinct values found, sorted
    /// (plus any in `rowLabels`/`columnLabels` given, so that empty classes still get a row).
    public init(rows: [Int], columns: [Int], rowLabels extraRows: [Int] = [], columnLabels extraColumns: [Int] = []) {
        precondition(rows.count == columns.count, "paired labellings must have the same length")
        let rowLabels = Array(Set(rows).union(extraRows)).sorted()
        let columnLabels = Array(Set(columns).union(extraColumns)).sorted()
        let rowIndex = Dictionary(uniqueKeysWithValues: rowLabels.enumerated().map { ($1, $0) })
        let columnIndex = Dictionary(uniqueKeysWithValues: columnLabels.enumerated().map { ($1, $0) })
        var counts = Array(repeating: Array(repeating: 0, count: columnLabels.count), count: rowLabels.count)
        for (r, c) in zip(rows, columns) { counts[rowIndex[r]!][columnIndex[c]!] += 1 }
        self.init(rowLabels: rowLabels, columnLabels: columnLabels, counts: counts)
    }

    /// Total number of items N.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Row sums, one per row label.
    public var rowTotals: [Int] { counts.map { $0.reduce(0, +) } }
    /// Column sums, one per column label.
    public var columnTotals: [Int] {
        columnLabels.indices.map { c in counts.reduce(0) { $0 + $1[c] } }
    }

    /// The table with rows and columns swapped.
    public var transposed: ConfusionTable {
        ConfusionTable(rowLabels: columnLabels, columnLabels: rowLabels,
                       counts: columnLabels.indices.map { c in counts.map { $0[c] } })
    }

    /// Cohen's kappa of a square table whose row i and column i mean the same category:
    /// κ = (Po − Pe)/(1 − Pe), Po = Σ_i n_ii / N, Pe = Σ_i n_i· n_·i / N².
    /// Returns 1 when Pe = 1 and Po = 1 (a single category used by both), NaN for an empty table.
    public var cohenKappa: Double {
        precondition(rowLabels.count == columnLabels.count, "Cohen's kappa needs a square table")
        let n = Double(total)
        guard n > 0 else { return .nan }
        let rows = rowTotals, columns = columnTotals
        var observed = 0.0, chance = 0.0
        for i in rowLabels.indices {
            observed += Double(counts[i][i])
            chance += Double(rows[i]) * Double(columns[i])
        }
        let po = observed / n, pe = chance / (n * n)
        if pe >= 1 { return po >= 1 ? 1 : .nan }
        return (po - pe) / (1 - pe)
    }

    /// Fixed-width text rendering with labels and totals, for terminal output.
    public func rendered(rowTitle: String, columnTitle: String) -> String {
        let width = max(8, String(total).count + 2)
        func pad(_ s: String) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        var out = "\(rowTitle) \\ \(columnTitle)\n"
        out += pad("") + columnLabels.map { pad(String($0)) }.joined() + pad("total") + "\n"
        for (r, label) in rowLabels.enumerated() {
            out += pad(String(label)) + counts[r].map { pad(String($0)) }.joined() + pad(String(rowTotals[r])) + "\n"
        }
        out += pad("total") + columnTotals.map { pad(String($0)) }.joined() + pad(String(total)) + "\n"
        return out
    }
}

/// The preprint's binary counts and measures (Methods, "Measures for evaluating the accuracy of
/// classification"): for each asymmetric unit in each class, TP = truly in the class (starting
/// occupancy 100) and assigned to it (highest final occupancy); FP = not truly in it but assigned;
/// TN = neither; FN = truly in it but assigned elsewhere.
public struct BinaryMeasures: Sendable, Equatable, Codable {
    public var truePositives: Int
    public var falsePositives: Int
    public var trueNegatives: Int
    public var falseNegatives: Int

    public init(truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// Sums the counts (the preprint pools every class's asymmetric units).
    public static func + (a: BinaryMeasures, b: BinaryMeasures) -> BinaryMeasures {
        BinaryMeasures(truePositives: a.truePositives + b.truePositives,
                       falsePositives: a.falsePositives + b.falsePositives,
                       trueNegatives: a.trueNegatives + b.trueNegatives,
                       falseNegatives: a.falseNegatives + b.falseNegatives)
    }

    /// N = TP + FP + TN + FN.
    public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }
    /// Accuracy Po = (TP + TN)/N.
    public var accuracy: Double { Double(truePositives + trueNegatives) / Double(total) }
    /// Sensitivity (TPR) = TP/(TP + FN).
    public var sensitivity: Double { Double(truePositives) / Double(truePositives + falseNegatives) }
    /// Specificity (TNR) = TN/(TN + FP).
    public var specificity: Double { Double(trueNegatives) / Double(trueNegatives + falsePositives) }
    /// Chance agreement Pe = [(TP+FP)(TP+FN) + (TN+FN)(TN+FP)]/N² (Cohen 1960 on the 2×2 table).
    public var chanceAgreement: Double {
        let n = Double(total)
        let tp = Double(truePositives), fp = Double(falsePositives)
        let tn = Double(trueNegatives), fn = Double(falseNegatives)
        return ((tp + fp) * (tp + fn) + (tn + fn) * (tn + fp)) / (n * n)
    }
    /// Cohen's kappa = (Po − Pe)/(1 − Pe) = 1 − (1 − Po)/(1 − Pe).
    public var kappa: Double {
        let pe = chanceAgreement
        return (accuracy - pe) / (1 - pe)
    }
    /// Youden's J = TPR + TNR − 1.
    public var youdenJ: Double { sensitivity + specificity - 1 }

    /// One-versus-rest counts of the column category `column` of a square table whose row i and
    /// column i mean the same category (rows: predicted, columns: true).
    public static func oneVersusRest(_ table: ConfusionTable, category k: Int) -> BinaryMeasures {
        let n = table.total
        let tp = table.counts[k][k]
        let predicted = table.rowTotals[k], actual = table.columnTotals[k]
        return BinaryMeasures(truePositives: tp, falsePositives: predicted - tp,
                              trueNegatives: n - predicted - actual + tp, falseNegatives: actual - tp)
    }

    /// The preprint's pooled counts: one-versus-rest counts of every category, summed.
    public static func pooled(_ table: ConfusionTable) -> BinaryMeasures {
        table.rowLabels.indices.map { oneVersusRest(table, category: $0) }
            .reduce(BinaryMeasures(truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0), +)
    }
}
