import CMPI
import Foundation

/// Facts about the MPI library and this process, for `fovea info` and error prefixes.
/// MPI must be initialised (`MPIEnvironment.initialize()`) before these are read.
public enum MPIEnvironment {
    /// Initialises MPI once per process (MPI_THREAD_FUNNELED: only the calling thread talks MPI).
    /// Without `mpirun` this makes a singleton job of one rank.
    public static func initialize() {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized != 0 { return }
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, fovea_mpi_thread_funneled(), &provided)
        MPI_Comm_set_errhandler(fovea_mpi_comm_world(), fovea_mpi_errors_return())
    }

    /// Finalises MPI if it was initialised and not yet finalised.
    public static func finalize() {
        var initialized: Int32 = 0, finalized: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&finalized)
        if initialized != 0 && finalized == 0 { MPI_Finalize() }
    }

    public static var worldRank: Int {
        var r: Int32 = 0
        MPI_Comm_rank(fovea_mpi_comm_world(), &r)
        return Int(r)
    }

    public static var worldSize: Int {
        var s: Int32 = 0
        MPI_Comm_size(fovea_mpi_comm_world(), &s)
        return Int(s)
    }

    /// The host this rank runs on, as MPI names it.
    public static var processorName: String {
        var buffer = [CChar](repeating: 0, count: Int(fovea_mpi_max_processor_name()) + 1)
        var length: Int32 = 0
        MPI_Get_processor_name(&buffer, &length)
        return decodeCString(buffer)
    }

    /// The MPI library's own version line, e.g. "Open MPI v4.1.4, …".
    public static var libraryVersion: String {
        var buffer = [CChar](repeating: 0, count: Int(fovea_mpi_max_library_version_string()) + 1)
        var length: Int32 = 0
        MPI_Get_library_version(&buffer, &length)
        return decodeCString(buffer).split(separator: "\n").first.map(String.init) ?? ""
    }

    /// The MPI standard version the library implements, e.g. "3.1".
    public static var standardVersion: String {
        var major: Int32 = 0, minor: Int32 = 0
        MPI_Get_version(&major, &minor)
        return "\(major).\(minor)"
    }

    /// The UTF-8 text before the first NUL of a buffer MPI filled.
    private static func decodeCString(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
