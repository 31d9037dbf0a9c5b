import ArgumentParser
import FoveaReport
import FoveaRun

/// `fovea report`: the HTML report of a run folder.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a run folder (plots, class maps, focus region).",
        discussion: """
            The report shows class fractions (soft and hard), the % of particles that changed class
            and the mean LogP per cycle, FSC curves and resolution per class, central sections and a
            projection of every class volume, the merged difference map, and the focus sphere
            projected on sample particles. `fovea classify` refreshes <run>/report.html after every
            checkpoint and at the end; this command rewrites it at any time, also during a run.
            Open it in any browser; it needs no network.

            Example:
              fovea report focus_run && xdg-open focus_run/report.html
            """
    )

    @Argument(help: "Run folder of fovea classify.") var runFolder: String
    @Option(name: [.customLong("output"), .customShort("o")], help: "Where to write the HTML (default <run>/report.html).")
    var output: String?

    func run() throws {
        let path = try ReportWriter.write(folder: RunFolder(runFolder), to: output)
        print("wrote \(path)")
    }
}
