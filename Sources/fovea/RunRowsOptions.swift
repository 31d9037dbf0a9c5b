import ArgumentParser
import Foundation
import FoveaAnalysis
import FoveaCore
import FoveaUserTools

/// `--run` and `--group`, shared by `fovea select` and `fovea collapse`.
struct RunRowsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A `fovea classify` run folder (its particles.star is read) or a run's particles.star.",
                               valueName: "RUN|particles.star"))
    var run: String

    @Option(help: ArgumentHelp("""
        The run's expansion group (as given to classify --expand), used to undo each copy's operator. \
        Default: read from RUN/run.json; without it, each particle's operator-1 row gives its input angles.
        """, valueName: "G"))
    var group: String?

    /// The particle table that `load` reads: RUN/particles.star for a run folder, else `run`.
    var tablePath: String {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: run, isDirectory: &isFolder) && isFolder.boolValue
            ? run + "/particles.star" : run
    }

    /// The rows and the expansion group (option, else RUN/run.json, else nil).
    func load() throws -> (rows: RunParticleRows, group: PointGroup?) {
        let rows = try RunParticleRows(runOrStar: run)
        if let group { return (rows, try PointGroup(name: group)) }
        var isFolder: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: run, isDirectory: &isFolder) && isFolder.boolValue
            ? run : URL(fileURLWithPath: run).deletingLastPathComponent().path
        return (rows, RunParticleRows.expansionGroup(runFolder: folder))
    }
}
