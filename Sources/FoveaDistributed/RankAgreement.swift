/// A failure of this rank's local work, as every rank agreed on it (`Communicator.agreeing`).
public enum RankFailure: Error, CustomStringConvertible {
    /// This rank failed with `error`; `everyRank` when all ranks failed (then rank 0 alone need
    /// report it, every rank having seen the same values).
    case here(any Error, everyRank: Bool)
    /// Another rank failed and reports it; this rank's own work succeeded.
    case elsewhere

    /// The rank's own error as it reads, or a pointer to the rank that has one.
    public var description: String {
        switch self {
        case .here(let error, _): return "\(error)"
        case .elsewhere: return "another rank found a problem (see its message)"
        }
    }
}

extension Communicator {
    /// Runs `body`, this rank's local work before the next collective (reading and checking its
    /// particles, a cycle's likelihoods), and makes every rank agree on whether any failed: if one
    /// did, every rank throws a `RankFailure` — the failing ranks `.here` with their own error, the
    /// others `.elsewhere` — so no rank is left waiting in a later collective. A `RankFailure`
    /// thrown by `body` (a nested agreement) is passed on as it is. Collective: one allreduce of
    /// one Int32. The communicator's own errors are thrown unchanged.
    public func agreeing<T>(_ body: () throws -> T) throws -> T {
        let result: Result<T, any Error>
        do { result = .success(try body()) } catch { result = .failure(error) }
        let failed: Int32 = { if case .failure = result { return 1 } else { return 0 } }()
        let failures = try allreduce(failed, .sum)
        switch result {
        case .success(let value):
            if failures > 0 { throw RankFailure.elsewhere }
            return value
        case .failure(let error as RankFailure):
            throw error
        case .failure(let error):
            throw RankFailure.here(error, everyRank: failures == Int32(size))
        }
    }
}
