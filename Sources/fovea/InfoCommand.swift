import ArgumentParser
import FoveaCore
import FoveaDistributed
import FoveaIO

/// `fovea info`: what this process sees — MPI ranks, host, library versions, threads.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print MPI ranks, hosts, library versions and threads per rank.",
        discussion: """
            Rank 0 prints the versions of Fovea, MPI, FFTW and HDF5, then one line per rank with \
            its host and threads (gathered from every rank). Use it to check an installation or a \
            Slurm allocation.

            Example:
              mpirun -np 2 fovea info
              srun --mpi=pmix -n 4 fovea info --threads 8
            """
    )

    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        MPIEnvironment.initialize()
        defer { MPIEnvironment.finalize() }
        let comm = try MPICommunicator()
        let threads = threadOptions.resolvedThreads
        // Every rank's host and thread count, gathered so rank 0 prints them in rank order.
        let hosts = try comm.allGather(MPIEnvironment.processorName, width: 256)
        var threadCounts = [Int64](repeating: 0, count: comm.size)
        threadCounts[comm.rank] = Int64(threads)
        try comm.allreduce(&threadCounts, .sum)
        guard comm.isRoot else { return }
        print("fovea \(FoveaVersion.string)")
        print("MPI ranks: \(comm.size)")
        print("MPI library: \(MPIEnvironment.libraryVersion) (MPI standard \(MPIEnvironment.standardVersion))")
        print("FFTW: \(FFTWLibrary.version)")
        print("HDF5: \(HDF5Library.version)")
        print("threads per rank: \(threads)")
        print("MPI max message: \(comm.maxMessageBytes) bytes")
        print("distinct hosts: \(Set(hosts).count)")
        for (rank, host) in hosts.enumerated() {
            print("rank \(rank) of \(comm.size) on host \(host), threads \(threadCounts[rank])")
        }
    }
}
