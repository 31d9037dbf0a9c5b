import ArgumentParser
import Foundation
import FoveaRun

/// The commands' side of `OutputGuard`: a command asked to write over one of its own inputs
/// says so and exits 2 before reading or writing anything.
enum OutputChecks {
    /// Exits 2 when `output` (given by `option`) is the same file as one of `inputs`.
    static func refuseOverwritingInputs(_ output: String?, option: String, inputs: [String?]) throws {
        guard let output else { return }
        do {
            try OutputGuard.refuseOverwritingInputs(output, option: option, inputs: inputs.compactMap { $0 })
        } catch let error as OutputError {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(RunExitCode.badInput)
        }
    }
}
