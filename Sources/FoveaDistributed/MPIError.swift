import CMPI

/// An MPI call that returned an error code (MPI_COMM_WORLD uses MPI_ERRORS_RETURN, see
/// `MPIEnvironment.initialize()`), or a collective called with invalid arguments. The message
/// starts with the rank, so interleaved output from several ranks stays readable.
public struct MPIError: Error, CustomStringConvertible, Sendable {
    /// Rank of the process that saw the error.
    public var rank: Int
    /// The MPI function or collective concerned, e.g. "MPI_Allreduce".
    public var operation: String
    /// MPI's error code, nil for an argument Fovea rejected before calling MPI.
    public var code: Int32?
    /// What went wrong: MPI's own error string, or Fovea's explanation.
    public var message: String

    public init(rank: Int, operation: String, code: Int32? = nil, message: String) {
        self.rank = rank
        self.operation = operation
        self.code = code
        self.message = message
    }

    /// An error for MPI return code `code`, with MPI's explanation of it.
    public init(rank: Int, operation: String, code: Int32) {
        var text = [CChar](repeating: 0, count: 4096)   // ≥ MPI_MAX_ERROR_STRING of OpenMPI and MPICH
        var length: Int32 = 0
        let explained = MPI_Error_string(code, &text, &length) == fovea_mpi_success()
        let reason = explained ? String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                               : "unknown MPI error"
        self.init(rank: rank, operation: operation, code: code, message: reason)
    }

    public var description: String {
        "rank \(rank): \(operation) failed: \(message)" + (code.map { " (MPI error code \($0))" } ?? "")
    }
}
