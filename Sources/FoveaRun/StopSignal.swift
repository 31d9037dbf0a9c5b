#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The signal that asks a run to stop at the end of its cycle, checkpoint and exit with
/// `RunExitCode.checkpointed`: SIGTERM (what `scancel` and most schedulers send first) or SIGUSR1
/// (what Slurm's `--signal=USR1@seconds` sends before the time limit, and what mpirun forwards
/// to every rank). The handler only records the signal; the run loop polls it between cycles and
/// the ranks agree on it with one allreduce, so every rank stops after the same cycle.
public enum StopSignal {
    nonisolated(unsafe) private static var received: Int32 = 0

    /// Installs the handlers (idempotent).
    public static func install() {
        signal(SIGTERM) { number in StopSignal.received = number }
        signal(SIGUSR1) { number in StopSignal.received = number }
    }

    /// The signal received so far on this process, or 0.
    public static var pending: Int32 { received }

    /// A readable name for a signal number.
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: return "SIGTERM"
        case SIGUSR1: return "SIGUSR1"
        default: return "signal \(number)"
        }
    }

    /// Forgets a received signal (tests).
    public static func reset() { received = 0 }

    /// Records `number` as if it had been received (tests).
    public static func simulate(_ number: Int32) { received = number }
}

/// Exit codes of `fovea classify` (docs/hpc.md).
public enum RunExitCode {
    /// Finished: the cycle limit or convergence.
    public static let finished: Int32 = 0
    /// Failed during the run (a write, an MPI failure); the last checkpoint is intact.
    public static let failed: Int32 = 1
    /// Bad input or configuration, found before any work.
    public static let badInput: Int32 = 2
    /// Stopped by SIGTERM/SIGUSR1 after writing a checkpoint; continue with `--continue`
    /// (EX_TEMPFAIL of sysexits.h, which requeue scripts test for).
    public static let checkpointed: Int32 = 75
}
