import Foundation
import FoveaDistributed

/// A multi-rank job inside one process, for tests and checks (MPI may be initialised only once per
/// process): `size` ranks, each run on its own thread, whose collectives meet in shared memory.
/// Reductions combine the ranks in rank order.
public final class LocalGroup: @unchecked Sendable {
    public let size: Int
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var slots: [Any?]
    private var result: Any?

    public init(size: Int) {
        self.size = size
        slots = Array(repeating: nil, count: size)
    }

    /// Every rank calls this in the same order; `combine` turns the contributions (rank order)
    /// into the result every rank gets.
    func collective<T>(rank: Int, contribution: [T], combine: ([[T]]) -> [T]) -> [T] {
        condition.lock()
        defer { condition.unlock() }
        let myGeneration = generation
        slots[rank] = contribution
        arrived += 1
        if arrived == size {
            result = combine(slots.map { $0 as! [T] })
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == myGeneration { condition.wait() }
        }
        return result as! [T]
    }

    /// Runs `body(communicator)` on `size` threads, one per rank, and returns the results in rank order.
    public func run<R>(_ body: @escaping @Sendable (LocalCommunicator) throws -> R) throws -> [R] {
        let results = RankResults<R>(size)
        let lock = NSLock()
        let done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            let thread = Thread { [self] in
                let outcome = Result { try body(LocalCommunicator(group: self, rank: rank)) }
                lock.lock(); results.values[rank] = outcome; lock.unlock()
                done.leave()
            }
            thread.start()
        }
        done.wait()
        return try results.values.map { try $0!.get() }
    }
}

/// Per-rank outcomes written by the rank threads under a lock.
private final class RankResults<R>: @unchecked Sendable {
    var values: [Result<R, any Error>?]
    init(_ n: Int) { values = Array(repeating: nil, count: n) }
}

/// One rank's view of a `LocalGroup`.
public final class LocalCommunicator: Communicator {
    let group: LocalGroup
    public let rank: Int
    public var size: Int { group.size }

    init(group: LocalGroup, rank: Int) {
        self.group = group
        self.rank = rank
    }

    public func allreduce<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation) throws {
        let combined = group.collective(rank: rank, contribution: Array(buffer)) { parts in
            var accumulator = parts[0]
            for part in parts.dropFirst() {
                for i in accumulator.indices {
                    switch operation {
                    case .sum: accumulator[i] += part[i]
                    case .max: accumulator[i] = max(accumulator[i], part[i])
                    case .min: accumulator[i] = min(accumulator[i], part[i])
                    }
                }
            }
            return accumulator
        }
        for i in buffer.indices { buffer[i] = combined[i] }
    }

    public func broadcast<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
        let combined = group.collective(rank: rank, contribution: Array(buffer)) { $0[root] }
        for i in buffer.indices { buffer[i] = combined[i] }
    }

    public func barrier() throws {
        _ = group.collective(rank: rank, contribution: [Int32]()) { _ in [] }
    }

    public func abort(exitCode: Int32) -> Never { fatalError("abort(\(exitCode)) in an in-process rank group") }
}
