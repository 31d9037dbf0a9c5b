/// Element types that collectives can carry.
public enum CollectiveScalarKind: Sendable {
    case float32, float64, int32, int64, uint8
}

/// A scalar that a `Communicator` can reduce or broadcast.
public protocol CollectiveScalar: Numeric, Comparable, Sendable {
    static var collectiveKind: CollectiveScalarKind { get }
}
extension Float: CollectiveScalar { public static var collectiveKind: CollectiveScalarKind { .float32 } }
extension Double: CollectiveScalar { public static var collectiveKind: CollectiveScalarKind { .float64 } }
extension Int32: CollectiveScalar { public static var collectiveKind: CollectiveScalarKind { .int32 } }
extension Int64: CollectiveScalar { public static var collectiveKind: CollectiveScalarKind { .int64 } }
extension UInt8: CollectiveScalar { public static var collectiveKind: CollectiveScalarKind { .uint8 } }

/// How an allreduce combines the ranks' values element by element.
public enum ReductionOperation: Sendable {
    case sum, max, min
}

/// The group of processes a run is spread over. Algorithms talk only to this protocol, so the
/// same code runs in one process (`SerialCommunicator`) or over MPI (`MPICommunicator`).
///
/// Collectives are called from one thread per rank, in the same order on every rank.
public protocol Communicator: AnyObject {
    /// This process's rank, 0 ..< size.
    var rank: Int { get }
    /// Number of ranks.
    var size: Int { get }
    /// Combines `buffer` element-wise over all ranks, in place; every rank gets the result.
    func allreduce<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation) throws
    /// Copies `buffer` of rank `root` into `buffer` of every rank (same count on all ranks).
    func broadcast<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws
    /// Returns once every rank has called it.
    func barrier() throws
    /// Ends every rank of the job with `exitCode`.
    func abort(exitCode: Int32) -> Never
}

extension Communicator {
    /// Whether this is rank 0, the one that writes files and prints progress.
    public var isRoot: Bool { rank == 0 }

    /// Array form of `allreduce`.
    public func allreduce<T: CollectiveScalar>(_ array: inout [T], _ operation: ReductionOperation) throws {
        try array.withUnsafeMutableBufferPointer { try allreduce($0, operation) }
    }

    /// Array form of `broadcast`; the array must have the same count on every rank.
    public func broadcast<T: CollectiveScalar>(_ array: inout [T], root: Int) throws {
        try array.withUnsafeMutableBufferPointer { try broadcast($0, root: root) }
    }

    /// Reduces one value.
    public func allreduce<T: CollectiveScalar>(_ value: T, _ operation: ReductionOperation) throws -> T {
        var one = [value]
        try allreduce(&one, operation)
        return one[0]
    }
}
