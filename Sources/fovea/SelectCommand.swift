import ArgumentParser
import Foundation
import FoveaAnalysis
import FoveaCore
import FoveaUserTools
import FoveaIO

/// `fovea select`: the particles of chosen classes, with their original images and angles.
struct SelectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Write the particles (or, for expanded runs, the copies) of chosen classes for the next program.",
        discussion: """
            A row is kept when its rlnClassNumber is one of --classes (hard assignment), or, with \
            --min-occupancy P, when its occupancies summed over --classes reach P percent. \
            Images are the run's input images (never subtracted stacks). Expanded runs: by default \
            each kept copy is written with its own view S·M and its rlnFoveaOperatorIndex, as \
            relion_particle_symmetry_expand would, so that a reconstruction puts the selected unit \
            under the focus region (what reconstructs a state); --original-view instead writes each \
            kept particle once with its input angles (the copy's view undone: M = Sᵀ·(S·M)). The \
            command says which it wrote. Image paths are copied as they are in the run's STAR \
            (relative paths are relative to where you run the next program).

            Example:
              fovea select --run run1 --classes 2 --out class2.star
              relion_reconstruct --i class2.star --o class2.mrc --ctf
              fovea select --run run1 --classes 1,3 --min-occupancy 60 \\
                  --format par --out sel.par
            """)

    @OptionGroup var source: RunRowsOptions

    @Option(help: ArgumentHelp("Classes to keep, 1-based, comma-separated.", valueName: "k[,k…]"))
    var classes: String

    @Option(name: .customLong("min-occupancy"), parsing: .unconditional,
            help: ArgumentHelp("Keep rows whose occupancy summed over --classes is at least this (percent).", valueName: "P"))
    var minOccupancy: Double?

    @Option(help: "Output format: relion (STAR 3.1), cistem (cisTEM STAR), par (Frealign 17-column .par).")
    var format: String = "relion"

    @Flag(name: .customLong("original-view"),
          help: "Expanded runs: write each kept particle once with its input view, instead of each kept copy with its own view S·M.")
    var originalView = false

    /// The former opt-in for what is now the default; still accepted.
    @Flag(name: .customLong("keep-expanded"), help: .hidden)
    var keepExpanded = false

    @Option(name: [.customLong("output"), .customLong("out"), .customLong("o")], help: ArgumentHelp("Output file.", valueName: "sel.star"))
    var out: String

    func validate() throws {
        guard ["relion", "cistem", "par"].contains(format) else {
            throw ValidationError("--format must be relion, cistem or par (got '\(format)')")
        }
        _ = try classNumbers()
        if originalView && keepExpanded { throw ValidationError("--original-view and --keep-expanded contradict each other") }
        if let minOccupancy { try OptionCheck.within(minOccupancy, 0...100, "--min-occupancy") }
    }

    func classNumbers() throws -> Set<Int> {
        let parts = classes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let numbers = parts.compactMap { Int($0) }
        guard !numbers.isEmpty, numbers.count == parts.count, numbers.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--classes must be 1-based class numbers separated by commas, e.g. 1,3 (got '\(classes)')")
        }
        return Set(numbers)
    }

    func run() throws {
        try OutputChecks.refuseOverwritingInputs(out, option: "--out", inputs: [source.tablePath])
        let (rows, group) = try source.load()
        let rule = ClassSelectionRule(classes: try classNumbers(), minimumOccupancy: minOccupancy, keepExpanded: !originalView)
        let result = try ClassSelection.select(rows, rule: rule, group: group)
        switch format {
        case "cistem":
            try result.table.removingColumns { _ in true }.writeCisTEMStar(to: out, writeStackNames: true)
        case "par":
            let stacks = Set(result.table.particles.map(\.image.path))
            guard stacks.count <= 1 else {
                throw UserError("\(out): the selection's images are in \(stacks.count) stacks, and a .par file names no stack, "
                                + "so it would lose which stack each image is in; write --format cistem (it names each image's "
                                + "stack) or relion instead")
            }
            try result.table.writeFrealignPar(to: out, layout: .frealignX17, comments: stacks.map { "stack: " + $0 })
        default:
            try result.table.writeRelionStar(to: out)
        }
        print("kept \(result.selectedRows) of \(rows.count) rows (\(result.selectedParticles) particles); "
              + "wrote \(result.table.count) rows to \(out)")
        if rows.operatorCount > 1 {
            print(originalView
                  ? "expanded run: wrote each kept particle once with its input view (--original-view)"
                  : "expanded run: wrote each kept copy with its own view S·M and rlnFoveaOperatorIndex "
                    + "(reconstructs the selected unit under the focus region; --original-view for one row per particle)")
        }
        if format == "par", let stack = result.table.particles.first?.image.path {
            print("note: a .par file names no stack; the images are in \(stack) (also in its first C line)")
        }
    }
}
