/// The preprint's measures of a classification against the truth (Methods, "Measures for
/// evaluating the accuracy of classification"), per asymmetric unit, each unit assigned to its
/// highest-occupancy class.
///
/// For each class c matched to state s(c), every unit is
///   TP: true state s(c) (starting occupancy 100 in c) and assigned to c,
///   FN: true state s(c), assigned elsewhere,
///   FP: another true state, assigned to c,
///   TN: another true state, assigned elsewhere;
/// the counts are summed over the classes. Then accuracy P_o = (TP + TN)/N, sensitivity
/// TP/(TP + FN), specificity TN/(TN + FP), κ = (P_o − P_e)/(1 − P_e) with the chance agreement
/// P_e = [(TP + FP)(TP + FN) + (FN + TN)(FP + TN)]/N², and Youden's J = sensitivity + specificity − 1.
/// With two classes and balanced states this κ equals Cohen's κ of the 2 × 2 table.
public struct ConfusionCounts: Sendable, Equatable {
    public var tp: Int, fp: Int, tn: Int, fn: Int

    public init(tp: Int, fp: Int, tn: Int, fn: Int) { self.tp = tp; self.fp = fp; self.tn = tn; self.fn = fn }

    public var n: Int { tp + fp + tn + fn }
    public var accuracy: Double { Double(tp + tn) / Double(n) }
    public var sensitivity: Double { Double(tp) / Double(tp + fn) }
    public var specificity: Double { Double(tn) / Double(tn + fp) }
    public var chanceAgreement: Double {
        let total = Double(n)
        return (Double(tp + fp) * Double(tp + fn) + Double(fn + tn) * Double(fp + tn)) / (total * total)
    }
    public var kappa: Double {
        let pe = chanceAgreement
        return pe < 1 ? (accuracy - pe) / (1 - pe) : 0
    }
    public var youdenJ: Double { sensitivity + specificity - 1 }
}

/// A classes × states table of counts and what follows from it.
public struct ContingencyTable: Sendable, Equatable {
    /// counts[c][s]: units assigned to class c whose true state is s.
    public var counts: [[Int]]

    public init(counts: [[Int]]) { self.counts = counts }

    /// Tabulates `assigned` (0-based classes) against `truth` (0-based states).
    public init(assigned: [Int], truth: [Int], classCount: Int, stateCount: Int) {
        precondition(assigned.count == truth.count, "one truth per assigned unit")
        var counts = [[Int]](repeating: [Int](repeating: 0, count: stateCount), count: classCount)
        for (c, s) in zip(assigned, truth) { counts[c][s] += 1 }
        self.counts = counts
    }

    public var classCount: Int { counts.count }
    public var stateCount: Int { counts.first?.count ?? 0 }
    public var total: Int { counts.joined().reduce(0, +) }

    /// The state each class stands for: with as many classes as states, the one-to-one matching
    /// with the most units on the diagonal (every permutation, K ≤ 8); with more classes, each
    /// class gets its majority state; with fewer, each class its majority state too (states left
    /// over are never matched, which counts against the classification).
    public func bestMatching() -> [Int] {
        let k = classCount, s = stateCount
        guard k == s, k <= 8 else { return counts.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 } }
        var best: [Int] = Array(0..<k), bestScore = -1
        var permutation = Array(0..<k)
        func visit(_ depth: Int) {
            if depth == k {
                let score = (0..<k).reduce(0) { $0 + counts[$1][permutation[$1]] }
                if score > bestScore { bestScore = score; best = permutation }
                return
            }
            for i in depth..<k {
                permutation.swapAt(depth, i)
                visit(depth + 1)
                permutation.swapAt(depth, i)
            }
        }
        visit(0)
        return best
    }

    /// The preprint's pooled TP/FP/TN/FN for a class → state matching.
    public func confusion(matching: [Int]) -> ConfusionCounts {
        var result = ConfusionCounts(tp: 0, fp: 0, tn: 0, fn: 0)
        let n = total
        for (c, state) in matching.enumerated() {
            let inClass = counts[c].reduce(0, +)
            let inState = counts.reduce(0) { $0 + $1[state] }
            let tp = counts[c][state]
            result.tp += tp
            result.fp += inClass - tp
            result.fn += inState - tp
            result.tn += n - inClass - inState + tp
        }
        return result
    }

    /// Cohen's κ of the classes-as-states table under `matching` (one-to-one matchings only).
    public func cohenKappa(matching: [Int]) -> Double {
        let n = Double(total)
        var observed = 0.0, expected = 0.0
        for (c, state) in matching.enumerated() {
            observed += Double(counts[c][state])
            let inClass = Double(counts[c].reduce(0, +)), inState = Double(counts.reduce(0) { $0 + $1[state] })
            expected += inClass * inState / n
        }
        return (observed / n - expected / n) / (1 - expected / n)
    }
}
