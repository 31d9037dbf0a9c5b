import FoveaIO

/// Agreement between replicate classification runs of the same rows (e.g. different seeds):
/// pairwise kappa after the best class matching, and which rows keep the same matched class in all.
public struct ReplicateAgreement: Sendable {
    /// pairwiseKappa[a][b]: Cohen's kappa of run a's classes mapped onto run b's (1 on the diagonal).
    public var pairwiseKappa: [[Double]]
    /// pairwiseAgreement[a][b]: fraction of rows on the matched diagonal.
    public var pairwiseAgreement: [[Double]]
    /// For each row of the first run: true when every other run, mapped onto the first run's
    /// classes by the best matching, gives the row the same class.
    public var stable: [Bool]
    /// For each later run (index 1…), its class → first-run class mapping (nil: unmatched).
    public var mappingToFirst: [[Int: Int?]]

    /// Classes of the rows of `runs[r]` reordered to the first run's row order.
    public static func aligned(_ runs: [ClassifiedRows]) throws -> [[Int]] {
        guard let first = runs.first else { return [] }
        var keyRow: [RowKey: Int] = [:]
        for row in 0..<first.count {
            if let earlier = keyRow.updateValue(row, forKey: first.key(ofRow: row)) {
                throw FormatError(file: first.file, location: "row \(row + 1)", field: "rlnFoveaParticleIndex",
                                  "particle \(first.particleIndex[row]) operator \(first.operatorIndex[row]) repeats row \(earlier + 1)")
            }
        }
        return try runs.map { run in
            guard run.count == first.count else {
                throw FormatError(file: run.file, "\(run.count) rows but \(first.file) has \(first.count)")
            }
            var classes = Array(repeating: 0, count: first.count)
            var seen = Array(repeating: false, count: first.count)
            for row in 0..<run.count {
                let key = run.key(ofRow: row)
                guard let target = keyRow[key], !seen[target] else {
                    throw FormatError(file: run.file, location: "row \(row + 1)", field: "rlnFoveaParticleIndex",
                                      "particle \(key.particle) operator \(key.operator) is not in \(first.file) or repeats")
                }
                seen[target] = true
                classes[target] = run.classNumber[row]
            }
            return classes
        }
    }

    public init(_ runs: [ClassifiedRows]) throws {
        let classes = try Self.aligned(runs)
        let n = runs.count
        var kappa = Array(repeating: Array(repeating: 1.0, count: n), count: n)
        var agreement = kappa
        for a in 0..<n {
            for b in 0..<n where b != a {
                let table = ConfusionTable(rows: classes[a], columns: classes[b],
                                           rowLabels: runs[a].classLabels, columnLabels: runs[b].classLabels)
                let matching = ClassMatching(table)
                kappa[a][b] = matching.matchedTable.cohenKappa
                agreement[a][b] = Double(matching.agreements) / Double(max(1, table.total))
            }
        }
        var stable = Array(repeating: true, count: classes.first?.count ?? 0)
        var mappings: [[Int: Int?]] = []
        for r in runs.indices.dropFirst() {
            let table = ConfusionTable(rows: classes[r], columns: classes[0],
                                       rowLabels: runs[r].classLabels, columnLabels: runs[0].classLabels)
            let matching = ClassMatching(table)
            var map: [Int: Int?] = [:]
            for (i, label) in table.rowLabels.enumerated() {
                map[label] = matching.stateIndexOfClass[i].map { table.columnLabels[$0] }
            }
            mappings.append(map)
            for row in stable.indices where stable[row] {
                if (map[classes[r][row]] ?? nil) != classes[0][row] { stable[row] = false }
            }
        }
        pairwiseKappa = kappa
        pairwiseAgreement = agreement
        self.stable = stable
        mappingToFirst = mappings
    }
}
