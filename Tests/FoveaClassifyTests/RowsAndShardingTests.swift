import Testing
import FoveaClassify
import FoveaDistributed

@Suite struct RowsAndShardingTests {
    @Test func expandedRowsAreParticleMajorAndNumberedLikeCisTEM() {
        let rows = ExpandedRows(particles: [7, 2], operatorCount: 3)
        #expect(rows.count == 6)
        #expect(rows.rows == [ParticleRow(particle: 7, operatorIndex: 0), ParticleRow(particle: 7, operatorIndex: 1),
                              ParticleRow(particle: 7, operatorIndex: 2), ParticleRow(particle: 2, operatorIndex: 0),
                              ParticleRow(particle: 2, operatorIndex: 1), ParticleRow(particle: 2, operatorIndex: 2)])
        #expect((0..<6).map(rows.globalRowIndex) == [21, 22, 23, 6, 7, 8])
    }

    @Test func halfSetsAlternateAndCopiesShareThem() {
        #expect((0..<6).map { HalfSet.alternating(particle: $0) } == [.first, .second, .first, .second, .first, .second])
        #expect((0..<6).map { HalfSet.alternating(particle: $0, blockSize: 2) } == [.first, .first, .second, .second, .first, .first])
        let particles = [4, 5, 9]
        let halves = HalfSet.assign(particles: particles, given: [.second, nil, nil])
        #expect(halves == [.second, .second, .second])
        let rows = ExpandedRows(particles: particles, operatorCount: 2)
        let mixed: [HalfSet] = [.first, .second, .first]
        #expect(rows.rowHalfSets(particleHalfSets: mixed) == [.first, .first, .second, .second, .first, .first])
    }

    @Test func rangesSplitLikeCisTEM() {
        #expect(ShardingPlan.ranges(count: 10, size: 3) == [0..<4, 4..<7, 7..<10])
        #expect(ShardingPlan.ranges(count: 2, size: 3) == [0..<1, 1..<2, 2..<2])
    }

    @Test func planSortsByStackAndCoversEveryParticleOnce() {
        // Particles listed out of file order: b.mrcs before a.mrcs, positions shuffled.
        let locations = [StackLocation(file: "b.mrcs", position: 1), StackLocation(file: "a.mrcs", position: 2),
                         StackLocation(file: "b.mrcs", position: 0), StackLocation(file: "a.mrcs", position: 0),
                         StackLocation(file: "a.mrcs", position: 1), StackLocation(file: "c.mrcs", position: 0),
                         StackLocation(file: "b.mrcs", position: 2)]
        let plan = ShardingPlan(locations: locations, rankCount: 3)
        #expect(plan.order == [3, 4, 1, 2, 0, 6, 5])
        #expect(plan.particles(forRank: 0) == [3, 4, 1])
        #expect(plan.particles(forRank: 1) == [2, 0])
        #expect(plan.particles(forRank: 2) == [6, 5])
        for ranks in 1...9 {
            let plan = ShardingPlan(locations: locations, rankCount: ranks)
            let all = (0..<ranks).flatMap { plan.particles(forRank: $0) }
            #expect(all.sorted() == Array(0..<7))
            // Copies stay with their particle: every rank's rows hold all copies of its particles.
            for rank in 0..<ranks {
                let rows = plan.rows(forRank: rank, operatorCount: 4)
                for particle in plan.particles(forRank: rank) {
                    #expect(rows.rows.filter { $0.particle == particle }.map(\.operatorIndex) == [0, 1, 2, 3])
                }
            }
        }
    }
}
