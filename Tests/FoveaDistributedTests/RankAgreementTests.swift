import Testing
import FoveaDistributed

/// `Communicator.agreeing`: when any rank's local work throws, every rank throws, so none is left
/// waiting in a later collective.
@Suite struct RankAgreementTests {
    struct LocalProblem: Error, CustomStringConvertible, Equatable {
        let rank: Int
        var description: String { "rank \(rank): bad particle" }
    }

    enum Outcome: Equatable { case value(Int), here(String, everyRank: Bool), elsewhere }

    /// Runs `agreeing` on `size` in-process ranks, the ranks in `failing` throwing.
    static func outcomes(size: Int, failing: Set<Int>) throws -> [Outcome] {
        try LocalGroup(size: size).run { communicator -> Outcome in
            do {
                let value = try communicator.agreeing { () throws -> Int in
                    if failing.contains(communicator.rank) { throw LocalProblem(rank: communicator.rank) }
                    return 10 * communicator.rank
                }
                // A later collective still meets on every rank.
                return .value(value + Int(try communicator.allreduce(Int32(1), .sum)) - size)
            } catch RankFailure.here(let error, let everyRank) {
                return .here("\(error)", everyRank: everyRank)
            } catch RankFailure.elsewhere {
                return .elsewhere
            }
        }
    }

    @Test func oneFailingRankStopsEveryRank() throws {
        for size in 2...4 {
            for failing in 0..<size {
                let outcomes = try Self.outcomes(size: size, failing: [failing])
                for rank in 0..<size {
                    #expect(outcomes[rank] == (rank == failing ? .here("rank \(rank): bad particle", everyRank: false) : .elsewhere),
                            "size \(size), failing rank \(failing), rank \(rank): \(outcomes[rank])")
                }
            }
        }
    }

    @Test func seededSubsetsOfFailingRanks() throws {
        var state: UInt64 = 0x5EED
        for _ in 0..<40 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let size = Int(state >> 60) % 4 + 1
            let failing = Set((0..<size).filter { (state >> (8 + UInt64($0))) & 1 == 1 })
            let outcomes = try Self.outcomes(size: size, failing: failing)
            for rank in 0..<size {
                let expected: Outcome = failing.isEmpty ? .value(10 * rank)
                    : failing.contains(rank) ? .here("rank \(rank): bad particle", everyRank: failing.count == size)
                    : .elsewhere
                #expect(outcomes[rank] == expected, "size \(size), failing \(failing.sorted()), rank \(rank)")
            }
        }
    }

    @Test func elsewhereSaysWhereToLook() {
        #expect(RankFailure.elsewhere.description.contains("another rank"))
        #expect(RankFailure.here(LocalProblem(rank: 2), everyRank: false).description == "rank 2: bad particle")
    }
}
