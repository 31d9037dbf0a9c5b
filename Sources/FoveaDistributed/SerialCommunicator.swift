import Foundation

/// The one-process `Communicator`: every collective is the identity. The in-memory test double
/// for algorithms, and what a run without MPI uses.
public final class SerialCommunicator: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allreduce<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation) throws {}
    public func broadcast<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
        precondition(root == 0, "SerialCommunicator has only rank 0")
    }
    public func barrier() throws {}
    public func abort(exitCode: Int32) -> Never { exit(exitCode) }
}
