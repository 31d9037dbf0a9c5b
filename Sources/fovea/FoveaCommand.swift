import ArgumentParser
import Foundation
import FoveaCore

/// `fovea`: the root command. Each subcommand is its own type in its own file.
@main
struct FoveaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fovea",
        abstract: "Focused 3-D classification of cryo-EM particles with fixed alignments.",
        discussion: """
            Run under mpirun or srun to spread particles over ranks; every command also runs as a \
            plain process. Documentation: docs/ in the source tree.

            Example:
              mpirun -np 2 fovea info
            """,
        version: FoveaVersion.string,
        subcommands: [
            InfoCommand.self,
            InspectCommand.self,
            SimulateCommand.self,
            ExpandCommand.self,
            MaskCommand.self,
            ClassifyCommand.self,
            ReportCommand.self,
            SelectCommand.self,
            CollapseCommand.self,
            KappaCommand.self,
            CovarianceCommand.self,
            DiffmapCommand.self,
            AgreementCommand.self,
            SelfTestCommand.self,
        ]
    )

    /// Parses and runs the command; errors exit through `CommandExit` (input errors: 2).
    static func main() {
        var command: any ParsableCommand
        do { command = try parseAsRoot() } catch { CommandExit.exit(Self.self, with: error) }
        do { try command.run() } catch { CommandExit.exit(Self.self, with: error) }
    }
}
