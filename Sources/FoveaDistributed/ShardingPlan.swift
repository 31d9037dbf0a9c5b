/// Where a particle's image lives: its stack file and 0-based position in that stack.
public struct StackLocation: Hashable, Sendable, Codable {
    public let file: String
    public let position: Int
    public init(file: String, position: Int) { self.file = file; self.position = position }
}

/// Which particles each rank owns — the one place items are divided over ranks. The particles are
/// put in reading order (sorted by stack file, position in the stack, particle index, so each rank
/// reads few files in long contiguous runs; or left in input order) and that order is cut into
/// `rankCount` contiguous ranges as cisTEM splits jobs (docs/algorithm.md §12.1): ⌊P/J⌋ particles
/// each, the first P mod J ranks one more. A particle's symmetry copies follow it (`ExpandedRows`),
/// so they are never split. Every rank computes the same plan from the same table; ranks beyond P
/// get no particles.
public struct ShardingPlan: Sendable, Equatable {
    /// Global particle indices in reading order.
    public let order: [Int]
    /// For each rank, the half-open range of `order` it owns (`ranges(count:size:)`).
    public let ranges: [Range<Int>]

    /// Plans `locations.count` particles (global index = position in `locations`) over
    /// `rankCount` (≥ 1) ranks, in stack order.
    public init(locations: [StackLocation], rankCount: Int) {
        let order = locations.indices.sorted { a, b in
            let la = locations[a], lb = locations[b]
            if la.file != lb.file { return la.file < lb.file }
            if la.position != lb.position { return la.position < lb.position }
            return a < b
        }
        self.init(order: order, rankCount: rankCount)
    }

    /// Plans particles 0 ..< `count` over `rankCount` (≥ 1) ranks in input order.
    public init(count: Int, rankCount: Int) {
        self.init(order: Array(0..<count), rankCount: rankCount)
    }

    private init(order: [Int], rankCount: Int) {
        self.order = order
        ranges = Self.ranges(count: order.count, size: rankCount)
    }

    /// Global indices of the particles rank `rank` owns, in reading order.
    public func particles(forRank rank: Int) -> [Int] { Array(order[ranges[rank]]) }

    /// The items of `rank` among `size` ranks sharing `count` items: contiguous, in order, the
    /// first `count % size` ranks one item more.
    public static func range(count: Int, rank: Int, size: Int) -> Range<Int> {
        precondition(count >= 0 && size > 0 && (0..<size).contains(rank),
                     "ShardingPlan.range: need count ≥ 0 and 0 ≤ rank < size (count \(count), rank \(rank), size \(size))")
        let base = count / size, extra = count % size
        let start = rank * base + min(rank, extra)
        return start ..< start + base + (rank < extra ? 1 : 0)
    }

    /// The ranges of all `size` ranks over `count` items, in rank order (`range(count:rank:size:)`).
    public static func ranges(count: Int, size: Int) -> [Range<Int>] {
        (0..<size).map { range(count: count, rank: $0, size: size) }
    }
}

extension Communicator {
    /// This rank's contiguous share of `count` items (`ShardingPlan.range`).
    public func shard(of count: Int) -> Range<Int> {
        ShardingPlan.range(count: count, rank: rank, size: size)
    }
}
