import Foundation
import Testing

/// This test process's scratch folder (under $TMPDIR, named by the process id); removed at exit.
let testScratchRoot: String = {
    atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "fovea-tests-\(getpid())") }
    return NSTemporaryDirectory() + "fovea-tests-\(getpid())/"
}()

/// Runs the built `fovea` executable (next to the test bundle in .build/<configuration>/).
struct FoveaProcess {
    static var executable: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("fovea").path
    }

    struct Result {
        let status: Int32
        let output: String
        /// Ended by a signal (a trap, an abort), not by exit.
        var signalled = false
        /// Killed after the time limit of `run(_:in:environment:timeLimit:)`.
        var timedOut = false
    }

    /// Runs `fovea arguments…` in `folder`; standard output and error together.
    static func run(_ arguments: [String], in folder: String? = nil, environment extra: [String: String] = [:],
                    timeLimit: Double? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        environment.merge(extra) { $1 }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let killer = timeLimit.map { limit in
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + limit)
            timer.setEventHandler { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            timer.resume()
            return timer
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer?.cancel()
        let signalled = process.terminationReason == .uncaughtSignal
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self), signalled: signalled,
                      timedOut: signalled && process.terminationStatus == SIGKILL)
    }

    static func temporaryFolder(_ name: String) -> String {
        let path = testScratchRoot + "cli-\(name)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
