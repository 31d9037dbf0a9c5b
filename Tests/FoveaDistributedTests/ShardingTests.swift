import Testing
import FoveaDistributed
import _FoveaTestSupport

@Suite struct ShardingTests {
    @Test func rangesCoverEveryItemOnceWithLengthsDifferingByAtMostOne() {
        for size in 1...9 {
            for count in [0, 1, 2, 5, 8, 9, 10, 17, 100, 1001] {
                let ranges = Sharding.ranges(count: count, size: size)
                #expect(ranges.count == size)
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == count)
                for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
                // The first count % size ranks have one extra item.
                for (rank, range) in ranges.enumerated() {
                    #expect(range.count == count / size + (rank < count % size ? 1 : 0))
                }
                for item in 0..<count {
                    let owner = Sharding.owner(of: item, count: count, size: size)
                    #expect(ranges[owner].contains(item))
                }
            }
        }
    }

    @Test func explicitExample() {
        #expect(Sharding.ranges(count: 10, size: 3) == [0..<4, 4..<7, 7..<10])
        #expect(Sharding.ranges(count: 2, size: 4) == [0..<1, 1..<2, 2..<2, 2..<2])
        #expect(SerialCommunicator().shard(of: 7) == 0..<7)
    }

    @Test func groupsStayWholeAndItemCountsStayNearTheEvenSplit() {
        var generator = TestRandom(seed: 42)
        for _ in 0..<200 {
            let groupSizes = (0..<Int(generator.next() % 40)).map { _ in Int(generator.next() % 6) }
            let total = groupSizes.reduce(0, +)
            let largest = groupSizes.max() ?? 0
            for size in 1...6 {
                let ranges = (0..<size).map { Sharding.groupRange(groupSizes: groupSizes, rank: $0, size: size) }
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == groupSizes.count)
                for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
                for (rank, range) in ranges.enumerated() {
                    let items = groupSizes[range].reduce(0, +)
                    let even = Sharding.range(count: total, rank: rank, size: size).count
                    #expect(abs(items - even) <= largest, "size \(size) rank \(rank): \(items) items vs even \(even)")
                }
            }
        }
        // Pairs of copies (symmetry expansion ×2): no pair is split.
        #expect((0..<3).map { Sharding.groupRange(groupSizes: Array(repeating: 2, count: 5), rank: $0, size: 3) }
                == [0..<2, 2..<4, 4..<5])
    }
}

