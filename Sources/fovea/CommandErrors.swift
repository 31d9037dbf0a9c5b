import ArgumentParser
import Foundation
import FoveaAnalysis
import FoveaClassify
import FoveaCore
import FoveaUserTools
import FoveaIO
import FoveaRun

/// An error in what the user gave a command (an option, a file's content), with what to do:
/// printed as is, exit code 2.
struct UserError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// The exit codes of every command (docs/troubleshooting.md, "Exit codes and error classes").
enum CommandExit {
    /// Bad input (option, file content), found before any work: 2, as classify's.
    static let badInput = RunExitCode.badInput

    /// Whether `error` is about the user's input (options or files) rather than a failure of the
    /// machine (disk, MPI): the error types that readers, option checks and validation throw.
    static func isInputError(_ error: any Error) -> Bool {
        switch error {
        case is ValidationError, is UserError, is FormatError, is ConfigurationError, is PointGroupError,
             is FocusMaskError, is RunInputError, is EngineInputError:
            return true
        default:
            return false
        }
    }

    /// Prints `error` as swift-argument-parser does and exits: 2 for input errors (parsing errors
    /// included, which the parser itself would end with 64), else the parser's code (0 for
    /// `--help`, `ExitCode`'s own value, 1 for other failures).
    static func exit<Command: ParsableCommand>(_ command: Command.Type, with error: any Error) -> Never {
        if command.exitCode(for: error) == .validationFailure || isInputError(error) {
            FileHandle.standardError.write(Data((command.fullMessage(for: error) + "\n").utf8))
            Foundation.exit(badInput)
        }
        command.exit(withError: error)
    }
}
