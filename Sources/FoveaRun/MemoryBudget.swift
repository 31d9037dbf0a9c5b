import Foundation
import FoveaClassify

/// How much memory one rank may use, and whether a run's shard fits in it — checked before any image
/// is read, so that a run too large for its nodes stops at once with a clear message instead of being
/// killed by the kernel or Slurm after loading.
///
/// The node's budget is the smallest of: `FOVEA_MEMORY_LIMIT_MB` (MiB), Slurm's `SLURM_MEM_PER_NODE`
/// (MiB) or `SLURM_MEM_PER_CPU` × `SLURM_CPUS_ON_NODE`, the cgroup v2 limit (`memory.max`, bytes), and
/// the kernel's `MemAvailable` (kB). It is shared by the ranks on the node (`OMPI_COMM_WORLD_LOCAL_SIZE`,
/// else the leading number of `SLURM_NTASKS_PER_NODE`, else 1). `FOVEA_MEMORY_CHECK=0` skips the check.
public enum MemoryBudget {
    /// Throws when `FOVEA_MEMORY_LIMIT_MB` is set but is not a positive number of MiB (a limit that
    /// was meant but cannot be honoured must not be ignored silently).
    public static func checkEnvironment(_ environment: [String: String]) throws {
        guard let text = environment["FOVEA_MEMORY_LIMIT_MB"] else { return }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else {
            throw RunInputError("FOVEA_MEMORY_LIMIT_MB='\(text)' is not a positive number of MiB; set it to the memory "
                                + "this node's ranks may use together (e.g. 4096), or unset it")
        }
    }

    /// Bytes per rank, or nil when nothing is known.
    /// - Parameters:
    ///   - meminfo: the text of /proc/meminfo; `cgroupMax`: the text of /sys/fs/cgroup/memory.max.
    public static func perRank(environment: [String: String], meminfo: String?, cgroupMax: String?) -> Double? {
        let mib = 1_048_576.0
        var limits: [Double] = []
        if let value = environment["FOVEA_MEMORY_LIMIT_MB"].flatMap(Double.init) { limits.append(value * mib) }
        if let value = environment["SLURM_MEM_PER_NODE"].flatMap(Double.init) { limits.append(value * mib) }
        if let perCPU = environment["SLURM_MEM_PER_CPU"].flatMap(Double.init),
           let cpus = environment["SLURM_CPUS_ON_NODE"].flatMap(Double.init) { limits.append(perCPU * cpus * mib) }
        if let text = cgroupMax?.trimmingCharacters(in: .whitespacesAndNewlines), let bytes = Double(text) { limits.append(bytes) }
        if let meminfo, let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kB = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) {
            limits.append(kB * 1024)
        }
        guard let node = limits.filter({ $0 > 0 }).min() else { return nil }
        return node / Double(ranksOnNode(environment: environment))
    }

    /// What this process holds already (bytes resident: program, libraries, MPI's buffers, the
    /// particle table), from `/proc/self/status` (VmRSS); nil where that file does not exist. Added
    /// to every estimate, so that the budget is compared with the whole process's peak.
    public static func residentBytesHere() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kB = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return nil }
        return kB * 1024
    }

    /// Ranks sharing this node.
    static func ranksOnNode(environment: [String: String]) -> Int {
        if let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init), local > 0 { return local }
        if let text = environment["SLURM_NTASKS_PER_NODE"], let count = Int(text.prefix { $0.isNumber }), count > 0 { return count }
        return 1
    }

    /// The budget of this process from its environment and the files of this machine.
    public static func perRankHere() -> Double? {
        let environment = ProcessInfo.processInfo.environment
        if environment["FOVEA_MEMORY_CHECK"] == "0" { return nil }
        return perRank(environment: environment, meminfo: try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
                       cgroupMax: try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8))
    }

    /// Where a rank keeps its prepared particles: in memory when `inMemory` bytes fit in
    /// `available` (or nothing is known) and streaming is not `forced`; streamed from disk when only
    /// the `streamed` estimate fits; nil when neither does.
    public static func storage(inMemory: Double, streamed: Double, available: Double?, forced: Bool) -> ParticleStorage? {
        guard let available else { return forced ? .streaming(chunk: 0) : .memory }
        if !forced && inMemory <= available { return .memory }
        return streamed <= available ? .streaming(chunk: 0) : nil
    }

    /// The error text when `needed` bytes (this rank's estimate for `particles` particles) exceed
    /// `available`, else nil. Suggests a rank count that would fit (`ranks` now).
    public static func problem(needed: Double, available: Double?, particles: Int, ranks: Int) -> String? {
        guard let available, needed > available else { return nil }
        let mib = 1_048_576.0
        let suggested = Int((Double(ranks) * needed / available).rounded(.up)) + 1
        return String(format: "this rank needs about %.0f MiB for its %d particles but about %.0f MiB is available per rank "
                      + "(MemAvailable, cgroup, Slurm --mem or FOVEA_MEMORY_LIMIT_MB, shared by the ranks on the node); "
                      + "use about %d ranks spread over more nodes, or nodes with more memory "
                      + "(fovea classify --dry-run prints the estimate; FOVEA_MEMORY_CHECK=0 skips this check)",
                      needed / mib, particles, available / mib, suggested)
    }
}
