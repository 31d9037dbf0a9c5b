/// Contiguous division of items over ranks: each rank gets one range, the ranges cover every
/// item once in order, and their lengths differ by at most one (the first `count % size`
/// ranks get one extra item).
public enum Sharding {
    /// The items of `rank` among `size` ranks sharing `count` items.
    public static func range(count: Int, rank: Int, size: Int) -> Range<Int> {
        precondition(count >= 0 && size > 0 && (0..<size).contains(rank),
                     "Sharding.range: need count ≥ 0 and 0 ≤ rank < size (count \(count), rank \(rank), size \(size))")
        let base = count / size
        let extra = count % size
        let start = rank * base + min(rank, extra)
        return start ..< start + base + (rank < extra ? 1 : 0)
    }

    /// The ranges of all ranks, in rank order.
    public static func ranges(count: Int, size: Int) -> [Range<Int>] {
        (0..<size).map { range(count: count, rank: $0, size: size) }
    }

    /// The rank whose range holds `item`.
    public static func owner(of item: Int, count: Int, size: Int) -> Int {
        precondition((0..<count).contains(item), "Sharding.owner: item \(item) outside 0..<\(count)")
        let base = count / size
        let extra = count % size
        let boundary = extra * (base + 1)   // items before this belong to the ranks with one extra
        return item < boundary ? item / (base + 1) : extra + (item - boundary) / base
    }

    /// Shards whole groups of items (e.g. the symmetry-expanded copies of one particle, or the
    /// particles of one stack file): returns the range of *group indices* of `rank`. Each rank
    /// starts at the first group that begins at or after the item where an even split of the
    /// items (`range(count:rank:size:)`) would start its range, so groups never straddle ranks and
    /// each rank's item count is within one group size of the even split.
    ///
    /// `groupSizes[g]` is the number of items in group g (≥ 0).
    public static func groupRange(groupSizes: [Int], rank: Int, size: Int) -> Range<Int> {
        precondition(groupSizes.allSatisfy { $0 >= 0 }, "Sharding.groupRange: negative group size")
        var starts = [Int]()   // item index where each group starts
        starts.reserveCapacity(groupSizes.count)
        var total = 0
        for groupSize in groupSizes { starts.append(total); total += groupSize }
        /// The first group whose items start at or after the even split point of rank r.
        func firstGroup(ofRank r: Int) -> Int {
            if r == size { return groupSizes.count }
            let split = range(count: total, rank: r, size: size).lowerBound
            if r == 0 { return 0 }
            var low = 0, high = groupSizes.count   // binary search: first g with starts[g] >= split
            while low < high {
                let mid = (low + high) / 2
                if starts[mid] < split { low = mid + 1 } else { high = mid }
            }
            return low
        }
        return firstGroup(ofRank: rank) ..< max(firstGroup(ofRank: rank), firstGroup(ofRank: rank + 1))
    }
}

extension Communicator {
    /// This rank's contiguous share of `count` items (see `Sharding.range`).
    public func shard(of count: Int) -> Range<Int> {
        Sharding.range(count: count, rank: rank, size: size)
    }
}
