/// The FSC half set of a particle. Every symmetry copy of a particle is in its particle's half set
/// (§9), so the two half maps never share an image.
public enum HalfSet: Int, Sendable, Codable, CaseIterable {
    /// RELION `rlnRandomSubset` 1.
    case first = 1
    /// RELION `rlnRandomSubset` 2.
    case second = 2

    /// The default half set of a particle whose input has none: alternating blocks of
    /// `blockSize` consecutive particles (blockSize 1 = odd/even as cisTEM's dumps). A pure
    /// function of the global particle index, so independent of the sharding.
    public static func alternating(particle: Int, blockSize: Int = 1) -> HalfSet {
        precondition(blockSize >= 1 && particle >= 0)
        return (particle / blockSize) % 2 == 0 ? .first : .second
    }

    /// Half sets for the given particles: the value from `given` where it is non-nil, otherwise
    /// `alternating(particle:blockSize:)`. `given` is indexed like `particles` (nil = unknown).
    public static func assign(particles: [Int], given: [HalfSet?]? = nil, blockSize: Int = 1) -> [HalfSet] {
        if let given { precondition(given.count == particles.count, "one given half set per particle") }
        return particles.indices.map { index in
            given?[index] ?? alternating(particle: particles[index], blockSize: blockSize)
        }
    }
}

extension ExpandedRows {
    /// Half set of each local row, given the half set of each local particle (`particleHalfSets`
    /// indexed like `particles`). Copies inherit their particle's half set.
    public func rowHalfSets(particleHalfSets: [HalfSet]) -> [HalfSet] {
        precondition(particleHalfSets.count == particles.count)
        return (0..<count).map { particleHalfSets[$0 / operatorCount] }
    }
}

/// The half sets of a whole particle table, decided once from the table so that every rank and
/// every rank count agrees (each rank reads the whole table).
public struct HalfSetAssignment: Sendable, Equatable {
    /// Per particle of the table (global index order).
    public let halfSets: [HalfSet]
    /// Why the table's own half sets were replaced (nil when they were used): for the run output.
    public let reassignment: String?

    /// Half sets from the table's values (`particles[i].given`: 1 or 2, anything else = none given, then
    /// `HalfSet.alternating`). When that leaves a half set with no active particle (every
    /// particle in one `rlnRandomSubset`, say), the FSC and the maps would be meaningless, so
    /// every particle is assigned anew: the active particles ordered by a seeded hash of their
    /// index (`CounterRandom`, purpose `.halfSet`), the first ⌈n/2⌉ to half set 1 and the rest to
    /// half set 2 (the inactive ones by the hash's lowest bit). A pure function of the table and
    /// the seed: independent of the ranks; the copies of a particle share its half set.
    public init(particles: [(given: Int, active: Bool)], seed: UInt64) {
        let given = particles.map(\.given), active = particles.map(\.active)
        let fromTable = given.indices.map { index -> HalfSet in
            given[index] == 1 ? .first : given[index] == 2 ? .second : HalfSet.alternating(particle: index)
        }
        let activeFirst = fromTable.indices.filter { active[$0] && fromTable[$0] == .first }.count
        let activeCount = active.filter { $0 }.count
        guard activeCount >= 2, activeFirst == 0 || activeFirst == activeCount else {
            halfSets = fromTable
            reassignment = nil
            return
        }
        let key = { (index: Int) in CounterRandom.bits(seed: seed, purpose: .halfSet, UInt64(index)) }
        var assigned = fromTable.indices.map { key($0) & 1 == 0 ? HalfSet.first : .second }
        let order = given.indices.filter { active[$0] }.sorted { (key($0), $0) < (key($1), $1) }
        for (rank, index) in order.enumerated() { assigned[index] = rank < (order.count + 1) / 2 ? .first : .second }
        halfSets = assigned
        let which = activeFirst == 0 ? 2 : 1
        reassignment = "every active particle is in half set \(which) of the input (rlnRandomSubset), so half set "
            + "\(3 - which) would be empty: the half sets were assigned anew at random (seeded by --seed), "
            + "\((order.count + 1) / 2) and \(order.count / 2) particles; the input's subsets are not used"
    }
}
