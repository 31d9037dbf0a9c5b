import ArgumentParser
import FoveaAnalysis
import FoveaCore
import FoveaIO

/// `fovea collapse`: a symmetry-expanded run back to one row per particle.
struct CollapseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collapse",
        abstract: "Collapse an expanded run to one row per particle with the class of each copy.",
        discussion: """
            Writes one row per particle (rlnFoveaParticleIndex order) with its input angles and image, \
            and per expansion operator s a column rlnFoveaClassOp<s> holding the class of that copy \
            (copy s sees the asymmetric unit that operator s brings under the focus mask; 0 = no row). \
            The per-copy columns (rlnClassNumber, rlnMaxValueProbDistribution, rlnFoveaOperatorIndex, \
            rlnFoveaOccupancy*) are dropped.

            Example:
              fovea collapse --run run1 --out collapsed.star
            """)

    @OptionGroup var source: RunRowsOptions

    @Option(help: ArgumentHelp("Output RELION STAR.", valueName: "collapsed.star"))
    var out: String

    func run() throws {
        try OutputChecks.refuseOverwritingInputs(out, option: "--out", inputs: [source.tablePath])
        let (rows, group) = try source.load()
        let collapsed = try ExpansionCollapse.collapse(rows, group: group)
        try collapsed.writeRelionStar(to: out)
        let operators = collapsed.extraColumns.filter { $0.hasPrefix(FoveaRunColumn.classOfOperatorPrefix) }.count
        print("wrote \(out): \(collapsed.count) particles from \(rows.count) rows, \(operators) class column(s) per particle")
    }
}
