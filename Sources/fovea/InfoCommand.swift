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
            Every rank prints one line with its rank and host; rank 0 also prints the versions of
            Fovea, MPI, FFTW and HDF5. Use it to check an installation or a Slurm allocation.

            Example:
              mpirun -np 2 fovea info
              srun --mpi=pmix -n 4 fovea info --threads 8
            """
    )

    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        MPIEnvironment.initialize()
        defer { MPIEnvironment.finalize() }
        let rank = MPIEnvironment.worldRank
        let size = MPIEnvironment.worldSize
        if rank == 0 {
            print("fovea \(FoveaVersion.string)")
            print("MPI ranks: \(size)")
            print("MPI library: \(MPIEnvironment.libraryVersion) (MPI standard \(MPIEnvironment.standardVersion))")
            print("FFTW: \(FFTWLibrary.version)")
            print("HDF5: \(HDF5Library.version)")
            print("threads per rank: \(threadOptions.resolvedThreads)")
        }
        print("rank \(rank) of \(size) on host \(MPIEnvironment.processorName), threads \(threadOptions.resolvedThreads)")
    }
}
