import CMPI
import Foundation

/// The `Communicator` over MPI_COMM_WORLD.
///
/// Every collective is split into pieces of at most `maxMessageBytes` bytes (and at most 2³¹−1
/// elements, MPI's count limit), sent one after another: large reconstructions never hit the
/// 2 GiB message limit or network-specific size limits. All ranks must use the same
/// `maxMessageBytes` (they do when it comes from the command line or the job's environment).
///
/// Collectives must be called from the thread that initialised MPI (MPI_THREAD_FUNNELED),
/// in the same order and with the same counts on every rank.
public final class MPICommunicator: Communicator {
    /// Default upper bound on the bytes in one MPI message: 256 MiB.
    public static let defaultMaxMessageBytes = 256 << 20
    /// Environment variable that overrides the default (bytes; a K, M or G suffix multiplies by 2¹⁰, 2²⁰, 2³⁰).
    public static let maxMessageBytesVariable = "FOVEA_MPI_MAX_MESSAGE_BYTES"

    public let rank: Int
    public let size: Int
    /// Upper bound on the bytes in any single MPI message this communicator sends.
    public let maxMessageBytes: Int
    private let communicator: MPI_Comm

    /// Initialises MPI if needed and wraps MPI_COMM_WORLD. `maxMessageBytes` nil means
    /// `$FOVEA_MPI_MAX_MESSAGE_BYTES` if set, else `defaultMaxMessageBytes`.
    public init(maxMessageBytes: Int? = nil) throws {
        MPIEnvironment.initialize()
        communicator = fovea_mpi_comm_world()
        rank = MPIEnvironment.worldRank
        size = MPIEnvironment.worldSize
        let environment = ProcessInfo.processInfo.environment[Self.maxMessageBytesVariable]
        let chosen = try maxMessageBytes ?? environment.map { text in
            guard let bytes = Self.parseByteCount(text) else {
                throw MPIError(rank: MPIEnvironment.worldRank, operation: "MPICommunicator",
                               message: "\(Self.maxMessageBytesVariable)=\"\(text)\" is not a byte count (e.g. 268435456 or 256M)")
            }
            return bytes
        } ?? Self.defaultMaxMessageBytes
        guard chosen > 0 else {
            throw MPIError(rank: rank, operation: "MPICommunicator", message: "the maximum message size must be positive, got \(chosen)")
        }
        self.maxMessageBytes = chosen
    }

    /// Parses "1048576", "64K", "256M" or "1G" (binary multiples) into bytes.
    public static func parseByteCount(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = trimmed.last, let multiplier = multipliers[last] {
            guard let value = Int(trimmed.dropLast()), value > 0 else { return nil }
            let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
            return overflow ? nil : bytes
        }
        guard let value = Int(trimmed), value > 0 else { return nil }
        return value
    }

    /// Elements per message: as many as fit in `maxMessageBytes` (at least one), at most 2³¹−1.
    public static func elementsPerMessage(elementStride: Int, maxMessageBytes: Int) -> Int {
        min(max(1, maxMessageBytes / elementStride), Int(Int32.max))
    }

    /// The consecutive pieces a collective over `elementCount` elements of `elementStride` bytes
    /// is split into: each of at most `maxMessageBytes` bytes (but at least one element) and at
    /// most 2³¹−1 elements.
    public static func messageRanges(elementCount: Int, elementStride: Int, maxMessageBytes: Int) -> [Range<Int>] {
        let perMessage = elementsPerMessage(elementStride: elementStride, maxMessageBytes: maxMessageBytes)
        return stride(from: 0, to: elementCount, by: perMessage).map { $0 ..< min($0 + perMessage, elementCount) }
    }

    public func allreduce<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation) throws {
        let datatype = Self.datatype(T.self)
        let op: MPI_Op
        switch operation {
        case .sum: op = fovea_mpi_op_sum()
        case .max: op = fovea_mpi_op_max()
        case .min: op = fovea_mpi_op_min()
        }
        try forEachChunk(of: buffer) { start, count in
            try check(MPI_Allreduce(fovea_mpi_in_place(), start, count, datatype, op, communicator), "MPI_Allreduce")
        }
    }

    public func broadcast<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
        guard (0..<size).contains(root) else {
            throw MPIError(rank: rank, operation: "MPI_Bcast", message: "root \(root) is not a rank of this job (0..<\(size))")
        }
        let datatype = Self.datatype(T.self)
        try forEachChunk(of: buffer) { start, count in
            try check(MPI_Bcast(start, count, datatype, Int32(root), communicator), "MPI_Bcast")
        }
    }

    public func barrier() throws {
        try check(MPI_Barrier(communicator), "MPI_Barrier")
    }

    public func abort(exitCode: Int32) -> Never {
        MPI_Abort(communicator, exitCode)
        exit(exitCode)   // MPI_Abort does not return in practice; this satisfies `Never`.
    }

    // MARK: Helpers

    /// Calls `body` with the start and element count of each piece of `buffer` (`messageRanges`).
    private func forEachChunk<T>(of buffer: UnsafeMutableBufferPointer<T>,
                                 _ body: (UnsafeMutableRawPointer, Int32) throws -> Void) throws {
        guard let base = buffer.baseAddress else { return }
        for piece in Self.messageRanges(elementCount: buffer.count, elementStride: MemoryLayout<T>.stride,
                                        maxMessageBytes: maxMessageBytes) {
            try body(UnsafeMutableRawPointer(base + piece.lowerBound), Int32(piece.count))
        }
    }

    private func check(_ code: Int32, _ operation: String) throws {
        if code != fovea_mpi_success() { throw MPIError(rank: rank, operation: operation, code: code) }
    }

    private static func datatype<T: CollectiveScalar>(_ type: T.Type) -> MPI_Datatype {
        switch T.collectiveKind {
        case .float32: return fovea_mpi_float()
        case .float64: return fovea_mpi_double()
        case .int32: return fovea_mpi_int32()
        case .int64: return fovea_mpi_int64()
        case .uint8: return fovea_mpi_uint8()
        }
    }
}
