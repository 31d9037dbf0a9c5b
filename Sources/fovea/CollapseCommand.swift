import ArgumentParser
import Foundation
import FoveaAnalysis
import FoveaCore
import FoveaUserTools
import FoveaIO

/// `fovea collapse`: a symmetry-expanded run back to one row per particle.
struct CollapseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collapse",
        abstract: "Collapse an expanded run to one row per particle with the class of each copy.",
        discussion: """
            Writes one row per particle (rlnFoveaParticleIndex order) with its input angles and image, \
            per expansion operator s a column rlnFoveaClassOp<s> holding the class of that copy \
            (copy s sees the asymmetric unit that operator s brings under the focus mask; 0 = no row), \
            and an integer rlnClassNumber that numbers the combinations of the copies' classes \
            present (1, 2, … in lexicographic order; 0 when a copy has no row). The legend is printed \
            and written next to the output as <name>_legend.tsv, so RELION can select one combination. \
            The per-copy columns (rlnMaxValueProbDistribution, rlnFoveaOperatorIndex, \
            rlnFoveaOccupancy*) are dropped.

            Example:
              fovea collapse --run run1 --out collapsed.star
              relion_star_handler --i collapsed.star --o both_up.star \\
                  --select rlnClassNumber --minval 2 --maxval 2
            """)

    @OptionGroup var source: RunRowsOptions

    @Option(name: [.customLong("output"), .customLong("out"), .customLong("o")], help: ArgumentHelp("Output RELION STAR.", valueName: "collapsed.star"))
    var out: String

    func run() throws {
        try OutputChecks.refuseOverwritingInputs(out, option: "--out", inputs: [source.tablePath])
        let (rows, group) = try source.load()
        let (collapsed, legend) = try ExpansionCollapse.collapseWithLegend(rows, group: group)
        try collapsed.writeRelionStar(to: out)
        let legendPath = ClassCombination.legendPath(forStar: out)
        try AtomicFileWriter.write(Data(legend.tsv.utf8), to: legendPath)
        let operators = collapsed.extraColumns.filter { $0.hasPrefix(FoveaRunColumn.classOfOperatorPrefix) }.count
        print("wrote \(out): \(collapsed.count) particles from \(rows.count) rows, \(operators) class column(s) per particle")
        print("rlnClassNumber codes the combination of the copies' classes (legend in \(legendPath)):")
        for line in legend.lines { print("  " + line) }
    }
}
