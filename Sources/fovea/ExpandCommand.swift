import ArgumentParser
import FoveaAnalysis
import FoveaCore
import FoveaUserTools
import FoveaIO

/// `fovea expand`: writes a symmetry-expanded RELION STAR for other tools.
struct ExpandCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expand",
        abstract: "Write a symmetry-expanded particle STAR (each row × each operator of a point group).",
        discussion: """
            Each input row becomes one row per operator S of the group, in RELION's operator order \
            (operator 1 = identity), with view S·M (M = the row's rotation), the same image, shifts \
            and CTF, and two new columns: rlnFoveaParticleIndex (1-based input row) and \
            rlnFoveaOperatorIndex (1-based operator). Same views and order as \
            relion_particle_symmetry_expand --sym G. `fovea classify --expand G` does this \
            virtually; use this command to feed the expansion to other programs.

            Example:
              fovea expand --particles run_data.star --group C2 --output expanded.star
            """)

    @Option(name: [.customLong("particles"), .customLong("i")], help: ArgumentHelp("Input RELION STAR (3.0 or 3.1) or cryoSPARC .cs.", valueName: "particles.star"))
    var input: String

    @Option(help: ArgumentHelp("Point group: Cn, Dn, T, O, I (RELION axes).", valueName: "G"))
    var group: String

    @Option(name: [.customLong("output"), .customLong("out"), .customLong("o")], help: ArgumentHelp("Output STAR (RELION 3.1).", valueName: "expanded.star"))
    var out: String

    func run() throws {
        try OutputChecks.refuseOverwritingInputs(out, option: "--out", inputs: [input])
        let pointGroup = try PointGroup(name: group)
        let table = input.lowercased().hasSuffix(".cs") ? try ParticleTable(cryoSPARCAt: input) : try ParticleTable(relionStarAt: input)
        if let notice = table.unmodelledOpticsNotice(file: input) { print(notice) }
        let expanded = try SymmetryExpansion.expand(table, group: pointGroup, file: input)
        try expanded.writeRelionStar(to: out)
        print("wrote \(out): \(table.count) particles × \(pointGroup.order) operators of \(pointGroup.name) = \(expanded.count) rows")
    }
}
