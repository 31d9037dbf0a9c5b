import ArgumentParser
import Foundation

/// `--threads`, shared by every command that computes.
struct ThreadOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Threads per MPI rank, 1–1024 (default: $SLURM_CPUS_PER_TASK, else 1).",
        valueName: "n"))
    var threads: Int?

    /// The resolved thread count: the option, else Slurm's CPUs per task, else 1.
    var resolvedThreads: Int {
        if let threads { return max(1, threads) }
        if let text = ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"], let n = Int(text), n > 0 {
            return min(n, OptionCheck.threadRange.upperBound)
        }
        return 1
    }

    func validate() throws {
        if let threads { try OptionCheck.count(threads, OptionCheck.threadRange, "--threads") }
    }
}
