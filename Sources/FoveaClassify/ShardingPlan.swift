/// Where a particle's image lives: its stack file and 0-based position in that stack.
public struct StackLocation: Hashable, Sendable, Codable {
    public let file: String
    public let position: Int
    public init(file: String, position: Int) { self.file = file; self.position = position }
}

/// Which particles each rank owns. The particles are sorted by (stack file, position in the stack,
/// particle index) so each rank reads few files in long contiguous runs, and the sorted list is cut
/// into `rankCount` contiguous ranges as cisTEM splits jobs (§12.1): ⌊P/J⌋ particles each, the first
/// P mod J ranks one more. Symmetry copies follow their particle (`ExpandedRows`), so they are never
/// split. Every rank computes the same plan from the same table; ranks beyond P get no particles.
public struct ShardingPlan: Sendable, Equatable {
    /// Global particle indices in reading order (sorted by stack location).
    public let order: [Int]
    /// For each rank, the half-open range of `order` it owns.
    public let ranges: [Range<Int>]

    /// Plans `locations.count` particles (global index = position in `locations`) over `rankCount` ranks.
    public init(locations: [StackLocation], rankCount: Int) {
        precondition(rankCount >= 1, "rankCount must be ≥ 1")
        order = locations.indices.sorted { a, b in
            let la = locations[a], lb = locations[b]
            if la.file != lb.file { return la.file < lb.file }
            if la.position != lb.position { return la.position < lb.position }
            return a < b
        }
        ranges = Self.contiguousRanges(count: locations.count, parts: rankCount)
    }

    /// Cuts 0 ..< count into `parts` contiguous ranges, the first `count % parts` one longer.
    public static func contiguousRanges(count: Int, parts: Int) -> [Range<Int>] {
        let base = count / parts, extra = count % parts
        var start = 0
        return (0..<parts).map { part in
            let length = base + (part < extra ? 1 : 0)
            defer { start += length }
            return start ..< start + length
        }
    }

    /// Global indices of the particles rank `rank` owns, in reading order.
    public func particles(forRank rank: Int) -> [Int] { Array(order[ranges[rank]]) }

    /// The expanded rows rank `rank` owns.
    public func rows(forRank rank: Int, operatorCount: Int) -> ExpandedRows {
        ExpandedRows(particles: particles(forRank: rank), operatorCount: operatorCount)
    }
}
