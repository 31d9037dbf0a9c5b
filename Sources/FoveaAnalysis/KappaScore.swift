/// Scores hard class assignments against true states: the class × state table, the best mapping
/// of classes to states, the preprint's pooled TP/FP/TN/FN measures and a multi-class kappa.
public struct KappaScore: Sendable {
    /// Rows: classes (1…K), columns: true state values.
    public var table: ConfusionTable
    /// Class → state mapping and the state × state table it gives.
    public var matching: ClassMatching
    /// One-versus-rest counts of each state (column order of `table`), after matching.
    public var perState: [BinaryMeasures]
    /// The preprint's counts: every state's one-versus-rest counts summed ("for each asymmetric
    /// unit in each class"); with two states this is κ = 2·accuracy − 1 of the rows.
    public var pooled: BinaryMeasures
    /// Cohen's kappa of the matched state × state table (multi-class κ).
    public var multiClassKappa: Double

    /// - Parameters:
    ///   - classes: class of each row.
    ///   - states: true state of each row (same order).
    ///   - classLabels: every class of the run (empty classes still take part in the matching).
    public init(classes: [Int], states: [Int], classLabels: [Int] = []) {
        table = ConfusionTable(rows: classes, columns: states, rowLabels: classLabels)
        matching = ClassMatching(table)
        let matched = matching.matchedTable
        perState = matched.rowLabels.indices.map { BinaryMeasures.oneVersusRest(matched, category: $0) }
        pooled = BinaryMeasures.pooled(matched)
        multiClassKappa = matched.cohenKappa
    }

    /// "class c → state s" lines.
    public var mappingDescription: [String] {
        table.rowLabels.indices.map { r in
            let state = matching.stateIndexOfClass[r].map { String(table.columnLabels[$0]) } ?? "none"
            return "class \(table.rowLabels[r]) → state \(state)"
        }
    }
}
