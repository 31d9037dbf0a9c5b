import FoveaCore
import FoveaIO

/// What `fovea select` keeps of a classification run.
public struct ClassSelectionRule: Sendable, Equatable {
    /// 1-based classes to keep.
    public var classes: Set<Int>
    /// Percent. nil: hard assignment (a row is kept when its rlnClassNumber is in `classes`);
    /// otherwise a row is kept when its occupancies summed over `classes` reach this value.
    public var minimumOccupancy: Double?
    /// true: write the kept rows as classified (expanded views S_op·M, operator column kept, the
    /// RELION symmetry-expansion convention); false: the input views M, one row per particle.
    public var keepExpanded: Bool

    public init(classes: Set<Int>, minimumOccupancy: Double? = nil, keepExpanded: Bool = false) {
        self.classes = classes
        self.minimumOccupancy = minimumOccupancy
        self.keepExpanded = keepExpanded
    }
}

/// What a selection kept.
public struct ClassSelectionResult: Sendable {
    /// The rows to write (original images, shifts and CTF; angles per `keepExpanded`).
    public var table: ParticleTable
    /// Rows of the run that passed the rule.
    public var selectedRows: Int
    /// Distinct particles among them.
    public var selectedParticles: Int
}

public enum ClassSelection {
    /// Applies `rule` to a run's rows.
    ///
    /// Without `keepExpanded`, each selected particle is written once, with its input angles
    /// (`RunParticleRows.inputAngles`: M = S_opᵀ·(S_op·M) with `group`, else the particle's
    /// operator-1 row), in the order of first selection, and the rlnFoveaOperatorIndex column is
    /// dropped (the row is no longer one copy). Images are never changed (no subtracted stacks).
    /// - Throws: `FormatError` for an unknown class (beyond rlnFoveaOccupancyK or never assigned),
    ///   for `minimumOccupancy` without occupancy columns, and from `inputAngles`.
    public static func select(_ rows: RunParticleRows, rule: ClassSelectionRule, group: PointGroup?) throws -> ClassSelectionResult {
        let classCount = max(rows.occupancies.first?.count ?? 0, rows.classNumber.max() ?? 0)
        if let bad = rule.classes.first(where: { $0 < 1 || $0 > classCount }) {
            throw FormatError(file: rows.file, field: FoveaRunColumn.classNumber,
                              "class \(bad) is not in this run (classes 1…\(classCount))")
        }
        if let threshold = rule.minimumOccupancy, rows.occupancies.first?.isEmpty ?? true {
            throw FormatError(file: rows.file, field: FoveaRunColumn.occupancyPrefix + "1",
                              "--min-occupancy \(threshold) needs the rlnFoveaOccupancy1…K columns, which this file lacks")
        }
        let kept = rows.table.particles.indices.filter { row in
            if let threshold = rule.minimumOccupancy {
                let sum = rule.classes.reduce(0.0) { $0 + rows.occupancies[row][$1 - 1] }
                return sum >= threshold
            }
            return rule.classes.contains(rows.classNumber[row])
        }
        let particles = Set(kept.map { rows.particleIndex[$0] })
        var table = rows.table
        if rule.keepExpanded {
            table.particles = kept.map { rows.table.particles[$0] }
            return ClassSelectionResult(table: table, selectedRows: kept.count, selectedParticles: particles.count)
        }
        let identity = rows.identityRows
        var seen = Set<Int>()
        table.particles = []
        for row in kept where seen.insert(rows.particleIndex[row]).inserted {
            var particle = rows.table.particles[row]
            particle.angles = try rows.inputAngles(ofRow: row, group: group, identityRows: identity)
            table.particles.append(particle)
        }
        table = table.removingColumns { $0 == FoveaRunColumn.operatorIndex }
        return ClassSelectionResult(table: table, selectedRows: kept.count, selectedParticles: particles.count)
    }
}

/// `fovea collapse`: a symmetry-expanded run back to one row per particle.
public enum ExpansionCollapse {
    /// One row per particle (increasing rlnFoveaParticleIndex) with its input angles, an integer
    /// `rlnClassNumber` coding the combination of its copies' classes (`ClassCombination`), and per
    /// operator s = 1…n (n = the group's order, else the highest operator index) the column
    /// `rlnFoveaClassOp<s>` = that copy's class (0 when the run has no such row). The per-row
    /// columns (the copies' rlnClassNumber, rlnMaxValueProbDistribution, rlnFoveaOperatorIndex,
    /// rlnFoveaOccupancy*) are dropped; the particle's other columns come from its first row.
    public static func collapse(_ rows: RunParticleRows, group: PointGroup?) throws -> ParticleTable {
        try collapseWithLegend(rows, group: group).table
    }

    /// `collapse`, with the legend of the rlnClassNumber codes.
    public static func collapseWithLegend(_ rows: RunParticleRows, group: PointGroup?) throws
        -> (table: ParticleTable, legend: ClassCombinationLegend) {
        let operatorCount = max(group?.order ?? 0, rows.operatorCount)
        // One class column per operator: no group has more than 2 × 99 operators (D99).
        let largestOrder = 2 * PointGroupSymbol.maximumFold
        if operatorCount > largestOrder, let row = rows.operatorIndex.firstIndex(where: { $0 > largestOrder }) {
            throw FormatError(file: rows.file, location: "particle \(row + 1)", field: FoveaRunColumn.operatorIndex,
                              "operator \(rows.operatorIndex[row]) but no point group has more than \(largestOrder) operators")
        }
        let identity = rows.identityRows
        // Per particle: its first row and the class of each of its copies.
        var particles: [Int: (firstRow: Int, classes: [Int])] = [:]
        for row in 0..<rows.count {
            let p = rows.particleIndex[row]
            particles[p, default: (row, [Int](repeating: 0, count: operatorCount))].classes[rows.operatorIndex[row] - 1] = rows.classNumber[row]
        }
        let order = particles.sorted { $0.key < $1.key }
        var table = rows.table.removingColumns { name in
            name == FoveaRunColumn.classNumber || name == FoveaRunColumn.maxProbability
                || name == FoveaRunColumn.operatorIndex || name.hasPrefix(FoveaRunColumn.occupancyPrefix)
        }
        let source = table.particles
        table.particles = try order.map { p, entry in
            let row = identity[p] ?? entry.firstRow
            var particle = source[row]
            particle.angles = try rows.inputAngles(ofRow: row, group: group, identityRows: identity)
            return particle
        }
        let names = (1...operatorCount).map { FoveaRunColumn.classOfOperatorPrefix + String($0) }
        let (codes, legend) = ClassCombination.encode(order.map { $0.value.classes })
        let collapsed = table.appendingColumns([FoveaRunColumn.classNumber] + names) { i in
            [String(codes[i])] + order[i].value.classes.map(String.init)
        }
        return (collapsed, legend)
    }
}
