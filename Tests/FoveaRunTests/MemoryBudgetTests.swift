import Foundation
import Testing
import FoveaRun

@Suite("Memory budget per rank and the check before loading")
struct MemoryBudgetTests {
    let meminfo = "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:    8000000 kB\n"

    @Test("The smallest of MemAvailable, the cgroup limit, Slurm's --mem and FOVEA_MEMORY_LIMIT_MB, shared by the node's ranks")
    func budget() {
        let mib = 1_048_576.0
        #expect(MemoryBudget.perRank(environment: [:], meminfo: meminfo, cgroupMax: "max\n") == Double(8_000_000 * 1024))
        #expect(MemoryBudget.perRank(environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "4"], meminfo: meminfo, cgroupMax: nil)
                == Double(2_000_000 * 1024))
        #expect(MemoryBudget.perRank(environment: ["SLURM_MEM_PER_NODE": "1000", "SLURM_NTASKS_PER_NODE": "2(x3)"],
                                     meminfo: meminfo, cgroupMax: nil) == 500 * mib)
        #expect(MemoryBudget.perRank(environment: ["SLURM_MEM_PER_CPU": "100", "SLURM_CPUS_ON_NODE": "8"],
                                     meminfo: meminfo, cgroupMax: "524288000") == 500 * mib)
        #expect(MemoryBudget.perRank(environment: ["SLURM_MEM_PER_CPU": "100", "SLURM_CPUS_ON_NODE": "8"],
                                     meminfo: meminfo, cgroupMax: "104857600") == 100 * mib)
        #expect(MemoryBudget.perRank(environment: ["FOVEA_MEMORY_LIMIT_MB": "64"], meminfo: nil, cgroupMax: nil) == 64 * mib)
        #expect(MemoryBudget.perRank(environment: [:], meminfo: nil, cgroupMax: "max") == nil)
    }

    @Test("A shard larger than the budget is an error that names both sizes and a rank count; one that fits is not")
    func problem() {
        let mib = 1_048_576.0
        #expect(MemoryBudget.problem(needed: 100 * mib, available: 200 * mib, particles: 10, ranks: 2) == nil)
        #expect(MemoryBudget.problem(needed: 100 * mib, available: nil, particles: 10, ranks: 2) == nil)
        let text = MemoryBudget.problem(needed: 300 * mib, available: 100 * mib, particles: 5000, ranks: 2)
        #expect(text?.contains("about 300 MiB for its 5000 particles but about 100 MiB is available per rank") == true)
        #expect(text?.contains("use about 7 ranks") == true)
    }
}
