import Testing
import FoveaDistributed
import _FoveaTestSupport

/// `ShardingPlan`, the one division of particles over ranks, over seeded (particle count, rank
/// count, stack layout) samples: every particle on exactly one rank, each rank's share contiguous
/// in reading order, shares balanced within one.
@Suite struct ShardingTests {
    @Test func everyParticleOnExactlyOneRankContiguousAndBalanced() {
        var generator = TestRandom(seed: 42)
        for _ in 0..<300 {
            let count = Int(generator.next() % 200)
            let ranks = Int(generator.next() % 9) + 1
            let files = Int(generator.next() % 5) + 1
            // Stacks listed out of order, positions shuffled within each file.
            let locations = (0..<count).map { _ in
                StackLocation(file: "s\(generator.next() % UInt64(files)).mrcs", position: Int(generator.next() % 1000))
            }
            for plan in [ShardingPlan(locations: locations, rankCount: ranks), ShardingPlan(count: count, rankCount: ranks)] {
                #expect(plan.ranges.count == ranks)
                #expect(plan.order.sorted() == Array(0..<count))
                let shares = (0..<ranks).map { plan.particles(forRank: $0) }
                // Exactly once: the shares together are every particle, none twice.
                #expect(shares.flatMap { $0 }.sorted() == Array(0..<count))
                // Contiguous: rank r's share is the next stretch of the reading order.
                #expect(shares.flatMap { $0 } == plan.order)
                #expect(plan.ranges.first?.lowerBound == 0 && plan.ranges.last?.upperBound == count)
                for (a, b) in zip(plan.ranges, plan.ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
                // Balanced within one, the first count % ranks ranks the longer.
                for (rank, share) in shares.enumerated() {
                    #expect(share.count == count / ranks + (rank < count % ranks ? 1 : 0))
                }
                #expect(plan.ranges == ShardingPlan.ranges(count: count, size: ranks))
            }
            // Reading order: by file, then position, then input index.
            let plan = ShardingPlan(locations: locations, rankCount: ranks)
            for (a, b) in zip(plan.order, plan.order.dropFirst()) {
                let la = locations[a], lb = locations[b]
                #expect(la.file < lb.file || (la.file == lb.file && (la.position < lb.position || (la.position == lb.position && a < b))))
            }
        }
    }

    @Test func explicitExample() {
        #expect(ShardingPlan.ranges(count: 10, size: 3) == [0..<4, 4..<7, 7..<10])
        #expect(ShardingPlan.ranges(count: 2, size: 4) == [0..<1, 1..<2, 2..<2, 2..<2])
        #expect(SerialCommunicator().shard(of: 7) == 0..<7)
    }

    @Test func everyRankOfAGroupTakesItsOwnShare() throws {
        for size in 1...4 {
            let shares = try LocalGroup(size: size).run { $0.shard(of: 11) }
            #expect(shares == ShardingPlan.ranges(count: 11, size: size))
        }
    }
}

