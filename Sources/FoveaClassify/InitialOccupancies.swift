/// cisTEM's random start (§7.5): every row and class gets OCC_ik = u·200/K with u uniform on
/// [0, 1), mean 100/K, **not** renormalised per row. u comes from `CounterRandom` keyed by
/// (seed, particle, operator, class), so the table does not depend on the number of ranks, the
/// sharding, or the order in which rows are visited.
public enum InitialOccupancies {
    /// The occupancy (in %) of one (particle, operator, class) for `classCount` classes.
    @inlinable
    public static func value(seed: UInt64, row: ParticleRow, classIndex: Int, classCount: Int) -> Float {
        let u = CounterRandom.unit(seed: seed, purpose: .initialOccupancy, UInt64(row.particle),
                                   UInt64(row.operatorIndex), UInt64(classIndex))
        return Float(u * 200 / Double(classCount))
    }

    /// The table for a rank's rows.
    public static func table(rows: ExpandedRows, classCount: Int, seed: UInt64) -> ClassTable {
        var table = ClassTable(rowCount: rows.count, classCount: classCount)
        for local in 0..<rows.count {
            let row = rows.row(local)
            for k in 0..<classCount {
                table[local, k] = value(seed: seed, row: row, classIndex: k, classCount: classCount)
            }
        }
        return table
    }
}
