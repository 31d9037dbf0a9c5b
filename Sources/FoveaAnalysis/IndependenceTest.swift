import Foundation
import FoveaCore

/// Pearson's chi-square test of independence of a contingency table, with a seeded permutation test.
public struct IndependenceTest: Sendable {
    /// χ² = Σ (O − E)²/E over cells, E = row total · column total / N (all-zero rows/columns dropped).
    public var statistic: Double
    /// (r − 1)(c − 1) over the non-empty rows r and columns c.
    public var degreesOfFreedom: Int
    /// P(χ²_df ≥ statistic) = Q(df/2, statistic/2), the regularised upper incomplete gamma.
    public var pValue: Double
    /// Cramér's V = √(χ² / (N · (min(r, c) − 1))).
    public var cramersV: Double

    public init(_ table: ConfusionTable) {
        let counts = Self.nonEmpty(table.counts)
        statistic = Self.chiSquare(counts)
        let r = counts.count, c = counts.first?.count ?? 0
        degreesOfFreedom = max(0, (r - 1) * (c - 1))
        pValue = degreesOfFreedom > 0 ? ChiSquareDistribution.upperTail(statistic, degreesOfFreedom: degreesOfFreedom) : 1
        let n = Double(counts.joined().reduce(0, +))
        let smaller = min(r, c) - 1
        cramersV = smaller > 0 && n > 0 ? (statistic / (n * Double(smaller))).squareRoot() : .nan
    }

    /// χ² of a table (rows and columns with zero totals must be removed first).
    public static func chiSquare(_ counts: [[Int]]) -> Double {
        let rows = counts.map { Double($0.reduce(0, +)) }
        guard let width = counts.first?.count else { return 0 }
        let columns = (0..<width).map { c in Double(counts.reduce(0) { $0 + $1[c] }) }
        let n = rows.reduce(0, +)
        guard n > 0 else { return 0 }
        var sum = 0.0
        for (i, row) in counts.enumerated() {
            for (j, observed) in row.enumerated() {
                let expected = rows[i] * columns[j] / n
                let d = Double(observed) - expected
                sum += d * d / expected
            }
        }
        return sum
    }

    /// Permutation p-value of χ² for paired labels: the column labels are shuffled `permutations`
    /// times (Fisher–Yates with `SeededRandom(seed:)`); p = (1 + #{χ²_perm ≥ χ²_obs}) / (1 + permutations).
    public static func permutationPValue(rows: [Int], columns: [Int], permutations: Int, seed: UInt64) -> Double {
        let observed = chiSquare(nonEmpty(ConfusionTable(rows: rows, columns: columns).counts))
        let rowLabels = Array(Set(rows)).sorted(), columnLabels = Array(Set(columns)).sorted()
        let rowIndex = Dictionary(uniqueKeysWithValues: rowLabels.enumerated().map { ($1, $0) })
        let columnIndex = Dictionary(uniqueKeysWithValues: columnLabels.enumerated().map { ($1, $0) })
        let r = rows.map { rowIndex[$0]! }
        var c = columns.map { columnIndex[$0]! }
        var random = SeededRandom(seed: seed)
        var atLeast = 0
        let tolerance = observed * 1e-12
        for _ in 0..<permutations {
            for i in stride(from: c.count - 1, to: 0, by: -1) {
                let j = Int(random.next() % UInt64(i + 1))
                c.swapAt(i, j)
            }
            var counts = Array(repeating: Array(repeating: 0, count: columnLabels.count), count: rowLabels.count)
            for k in r.indices { counts[r[k]][c[k]] += 1 }
            if chiSquare(counts) >= observed - tolerance { atLeast += 1 }
        }
        return Double(1 + atLeast) / Double(1 + permutations)
    }

    /// Drops rows and columns whose total is zero.
    static func nonEmpty(_ counts: [[Int]]) -> [[Int]] {
        let rows = counts.filter { $0.reduce(0, +) > 0 }
        guard let width = rows.first?.count else { return [] }
        let keep = (0..<width).filter { c in rows.contains { $0[c] > 0 } }
        return rows.map { row in keep.map { row[$0] } }
    }
}

/// The chi-square distribution's tail via the regularised incomplete gamma functions
/// (series for x < a + 1, Lentz continued fraction otherwise; relative accuracy ~1e-14).
public enum ChiSquareDistribution {
    /// P(X ≥ x) for X ~ χ²(df).
    public static func upperTail(_ x: Double, degreesOfFreedom df: Int) -> Double {
        guard x > 0 else { return 1 }
        return regularizedUpperGamma(Double(df) / 2, x / 2)
    }

    /// Q(a, x) = Γ(a, x)/Γ(a), a > 0, x ≥ 0.
    public static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0 && x >= 0, "Q(a, x) needs a > 0 and x ≥ 0")
        if x == 0 { return 1 }
        if x < a + 1 { return 1 - lowerSeries(a, x) }
        return upperContinuedFraction(a, x)
    }

    /// P(a, x) by the series x^a e^−x / Γ(a+1) · Σ x^n / ((a+1)…(a+n)).
    static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a, sum = term, denominator = a
        for _ in 0..<10_000 {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum * exp(-x + a * log(x) - lgamma(a))
    }

    /// Q(a, x) by the continued fraction of Γ(a, x) (modified Lentz).
    static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - lgamma(a)) * h
    }
}
