import ArgumentParser
import CMPI
import FoveaDistributed

/// `fovea selftest`: hidden checks that need a real multi-rank job (run by scripts/checks/).
struct SelfTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Internal checks of this installation that need several MPI ranks.",
        shouldDisplay: false,
        subcommands: [CollectivesSelfTest.self, AbortSelfTest.self, DatasetSelfTest.self,
                      RunComparisonSelfTest.self]
    )
}

/// `fovea selftest collectives`: every collective of `MPICommunicator` on buffers of every
/// element type, compared with results computed independently on each rank.
///
/// Rank r holds value(i, r) at element i; each rank computes the sum, maximum and minimum over
/// all ranks of value(i, ·) itself and compares with the allreduce. Buffer sizes include 0, 1
/// and counts that are not multiples of the message size.
struct CollectivesSelfTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collectives",
        abstract: "Check allreduce (sum/max/min), broadcast, barrier and gathering on every rank.",
        discussion: """
            Prints OK on rank 0 when every check passes on every rank; otherwise each rank prints \
            its mismatches and every rank exits with status 1.

            Example:
              mpirun -np 3 --oversubscribe fovea selftest collectives --max-message-bytes 64
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp("Largest MPI message in bytes (default: $FOVEA_MPI_MAX_MESSAGE_BYTES, else 256 MiB).",
                               valueName: "bytes"))
    var maxMessageBytes: Int?

    @Option(parsing: .upToNextOption, help: "Buffer lengths (elements) to test.")
    var elements: [Int] = [0, 1, 3, 61, 1000, 100_003]

    func validate() throws {
        if let maxMessageBytes, maxMessageBytes < 1 { throw ValidationError("--max-message-bytes must be positive.") }
        for count in elements { try OptionCheck.count(count, 0...100_000_000, "--elements") }
    }

    func run() throws {
        MPIEnvironment.initialize()
        defer { MPIEnvironment.finalize() }
        let comm = try MPICommunicator(maxMessageBytes: maxMessageBytes)
        var checker = CollectiveChecker(comm: comm)
        for count in elements {
            try checker.check(Float.self, count: count) { value, _ in Float(value - 30) * 0.5 }
            try checker.check(Double.self, count: count) { Double($0 - 30) * 0.25 + 1e6 * Double($1) }
            try checker.check(Int32.self, count: count) { Int32($0 - 30) * 1000 + Int32($1) * 100_000 }
            try checker.check(Int64.self, count: count) { Int64($0 - 30) + Int64($1) << 40 }
            try checker.check(UInt8.self, count: count) { value, _ in UInt8(value) }
        }
        try checker.checkGatherAndErrors()
        try comm.barrier()

        let failures = try comm.allreduce(Int64(checker.failures.count), .sum)
        for failure in checker.failures.prefix(20) { print("rank \(comm.rank): MISMATCH \(failure)") }
        if comm.isRoot {
            let perMessage = MPICommunicator.elementsPerMessage(elementStride: 4, maxMessageBytes: comm.maxMessageBytes)
            if failures == 0 {
                print("OK collectives: \(comm.size) ranks, max message \(comm.maxMessageBytes) bytes "
                      + "(\(perMessage) Float per message), \(checker.checks) checks per rank, sizes \(elements)")
            } else {
                print("FAILED collectives: \(failures) mismatches over \(comm.size) ranks")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

/// `fovea selftest abort`: one rank calls `abort` while the others wait in a barrier; the whole
/// job must end promptly with a non-zero status (checked by scripts/checks/20-mpi-collectives.sh).
struct AbortSelfTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "One rank aborts the job while the others wait in a barrier."
    )

    @Option(parsing: .unconditional, help: "The rank that aborts.") var rank = 0
    @Option(parsing: .unconditional, help: "The exit code passed to MPI_Abort, 1–255.") var exitCode: Int32 = 3

    func validate() throws { try OptionCheck.count(Int(exitCode), 1...255, "--exit-code") }

    func run() throws {
        MPIEnvironment.initialize()
        defer { MPIEnvironment.finalize() }
        let comm = try MPICommunicator()
        guard (0..<comm.size).contains(rank) else {
            throw ValidationError("--rank \(rank) is not a rank of this \(comm.size)-rank job.")
        }
        if comm.rank == rank {
            print("rank \(comm.rank): aborting with exit code \(exitCode)")
            comm.abort(exitCode: exitCode)
        }
        try comm.barrier()   // never completes: the aborting rank does not arrive
        print("rank \(comm.rank): passed the barrier although rank \(rank) aborted")
    }
}

/// Runs the checks on one rank and records what did not match.
private struct CollectiveChecker {
    let comm: MPICommunicator
    var failures: [String] = []
    var checks = 0

    init(comm: MPICommunicator) { self.comm = comm }

    /// Small integer pattern in 0..<61 for element i on rank r.
    private static func pattern(_ i: Int, _ r: Int) -> Int { (i * 7 + r * 13) % 61 }

    /// Allreduce (sum, max, min) and broadcast (from rank 0 and from the last rank) of `count`
    /// elements of `T`; `make(pattern, rank)` turns the pattern into the value rank holds.
    mutating func check<T: CollectiveScalar>(_ type: T.Type, count: Int, _ make: (Int, Int) -> T) throws {
        let ranks = 0..<comm.size
        let own = (0..<count).map { make(Self.pattern($0, comm.rank), comm.rank) }
        let all = ranks.map { r in (0..<count).map { make(Self.pattern($0, r), r) } }
        let expected: [(ReductionOperation, [T])] = [
            (.sum, (0..<count).map { i in ranks.reduce(T.zero) { $0 + all[$1][i] } }),
            (.max, (0..<count).map { i in ranks.map { all[$0][i] }.max()! }),
            (.min, (0..<count).map { i in ranks.map { all[$0][i] }.min()! }),
        ]
        for (operation, result) in expected {
            var buffer = own
            try comm.allreduce(&buffer, operation)
            record(buffer, result, "allreduce \(operation) of \(count) \(T.self)")
        }
        for root in Set([0, comm.size - 1]).sorted() {
            let rootValues = (0..<count).map { make(Self.pattern($0 + 5, root), root) }
            var buffer = comm.rank == root ? rootValues : own
            try comm.broadcast(&buffer, root: root)
            record(buffer, rootValues, "broadcast of \(count) \(T.self) from rank \(root)")
        }
    }

    /// Gathering strings of different lengths, and errors that name the rank.
    mutating func checkGatherAndErrors() throws {
        let names = (0..<comm.size).map { "rank-\($0)-" + String(repeating: "é", count: $0 * 3) }
        let gathered = try comm.allGather(names[comm.rank], width: 40)
        checks += 1
        if gathered != names { failures.append("allGather gave \(gathered), expected \(names)") }

        checks += 1
        do {
            var one = [Int32(1)]
            try comm.broadcast(&one, root: comm.size)
            failures.append("broadcast from root \(comm.size) did not throw")
        } catch let error as MPIError {
            if !error.description.hasPrefix("rank \(comm.rank): MPI_Bcast") { failures.append("error text: \(error)") }
        }

        // An error returned by MPI itself (invalid root, rejected by MPI's argument checks).
        checks += 1
        var one = Int32(1)
        let code = MPI_Bcast(&one, 1, fovea_mpi_int32(), -7, fovea_mpi_comm_world())
        if code == fovea_mpi_success() {
            failures.append("MPI_Bcast with root -7 returned success")
        } else {
            let error = MPIError(rank: comm.rank, operation: "MPI_Bcast", code: code)
            if !error.description.hasPrefix("rank \(comm.rank): MPI_Bcast failed: ") || error.message.isEmpty {
                failures.append("MPI error text: \(error)")
            }
        }
    }

    private mutating func record<T: CollectiveScalar>(_ got: [T], _ expected: [T], _ what: String) {
        checks += 1
        guard got != expected else { return }
        let index = zip(got, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, expected.count)
        let gotText = index < got.count ? "\(got[index])" : "nothing"
        let expectedText = index < expected.count ? "\(expected[index])" : "nothing"
        failures.append("\(what): element \(index) is \(gotText), expected \(expectedText)")
    }
}
