import ArgumentParser
import Foundation
import FoveaAnalysis
import FoveaCore
import FoveaIO

/// `fovea covariance`: ROI occupancy covariance across class volumes (Figure 3), or a per-particle
/// cross-tabulation with a chi-square and a permutation test of independence.
struct CovarianceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "covariance",
        abstract: "ROI occupancy covariance across classes (Figure 3), or a per-particle independence test.",
        discussion: """
            Volume mode (--roi given): occupancy of ROI i in class k = Σ mask_i·V_k / Σ mask_i·F_i, \
            F_i the full-occupancy map (--full name=map.mrc for ROI `name`, else --reference-map).
            C_ij = covariance across classes (equal weights unless --weighted: class fractions from \
            the run STAR); R_ij = C_ij/√(C_ii C_jj). With --classes RUN, each ROI's occupancy noise \
            is measured from the class half maps (σ² = Σ_k (o¹−o²)²/4K) and an F test (K−1, K degrees \
            of freedom) says whether the ROI varies across classes beyond it; "R, noise-gated" keeps \
            R only between ROIs that do (a region that does not vary has no measurable covariance: \
            its R is the correlation of noise, uniform on [−1, 1] for 4 classes). Writes --csv and \
            --json when given.

            Particle mode (--rows given): cross-tabulates the classes of two runs (--rows twice), or \
            one run against a truth column (--rows RUN --truth truth.star --state foot [--opposite]); \
            prints the table, χ² with its p-value (χ² distribution), a seeded permutation p-value \
            and Cramér's V.

            Examples:
              fovea covariance --classes run1 --roi hand=masks/near_hand.mrc \\
                  --roi nearfoot=masks/near_foot.mrc --roi farfoot=masks/far_foot.mrc \\
                  --reference-map maps/full.mrc --csv R.csv \\
                  --scale-mask maps/mask_leg_A.mrc \\
                  --scale-map maps/state_H01_A0h1f1_B0h1f1.mrc
              fovea covariance --rows run1 --truth sim/truth.star --state foot \\
                  --permutations 2000
            """
    )

    @Option(help: "Run folder (its class_NNN.mrc) for volume mode.")
    var classes: String?

    @Option(help: "Class volume (repeatable), instead of --classes.")
    var classMap: [String] = []

    @Option(help: "ROI mask as name=mask.mrc (repeatable).")
    var roi: [String] = []

    @Option(help: "Full-occupancy map of one ROI as name=map.mrc (repeatable).")
    var full: [String] = []

    @Option(help: "Full-occupancy map used for every ROI without --full.")
    var referenceMap: String?

    @Flag(help: "Weight classes by their fractions of rows (rlnClassNumber of --classes RUN).")
    var weighted = false

    @Option(name: .customLong("scale-mask"), help: "Invariant region: scale each class to --scale-map's mass inside it first.")
    var scaleMask: String?

    @Option(name: .customLong("scale-map"), help: "Map whose mass inside --scale-mask every class is scaled to (e.g. the full map).")
    var scaleMap: String?

    @Option(parsing: .unconditional, help: "F-test level below which an ROI counts as varying across classes, 0–1 (needs the run's half maps).")
    var noiseAlpha: Double = 0.01

    @Option(help: "Write the occupancies and R as CSV.")
    var csv: String?

    @Option(help: "Write the result as JSON.")
    var json: String?

    @Option(help: "Particle mode: run folder or STAR (give twice for two runs).")
    var rows: [String] = []

    @Option(help: "Particle mode: truth.star to cross-tabulate one run against.")
    var truth: String?

    @Option(help: "Particle mode: truth property (arm, hand, foot, label).")
    var state: String = "label"

    @Option(help: "Particle mode: side covered by the focus mask (A or B).")
    var maskSide: String = "A"

    @Flag(help: "Particle mode: take the truth of the side opposite the one under the mask.")
    var opposite = false

    @Option(parsing: .unconditional, help: "Particle mode: number of permutations, 1–10,000,000.")
    var permutations: Int = 1000

    @Option(parsing: .unconditional, help: "Particle mode: permutation seed.")
    var seed: UInt64 = 1

    func validate() throws {
        try OptionCheck.within(noiseAlpha, 0...1, "--noise-alpha")
        try OptionCheck.count(permutations, 1...10_000_000, "--permutations")
    }

    func run() throws {
        try OutputChecks.refuseOverwritingInputs(json, option: "--json", inputs: full + [truth])
        try AnalysisOutput.reportingFormatErrors {
            if !rows.isEmpty { try runParticleMode() } else { try runVolumeMode() }
        }
    }

    private func runVolumeMode() throws {
        guard !roi.isEmpty else { throw ValidationError("give --roi name=mask.mrc (volume mode) or --rows (particle mode)") }
        let classPaths = try classes.map { try MatchedVolumes.classPaths(inRun: $0) } ?? classMap
        guard classPaths.count >= 2 else { throw ValidationError("need at least two class volumes (--classes RUN or --class-map)") }
        let rois = try roi.map(Self.namedPath)
        let fulls = Dictionary(try full.map(Self.namedPath), uniquingKeysWith: { $1 })
        let fullPaths = try rois.map { name, _ in
            guard let path = fulls[name] ?? referenceMap else {
                throw ValidationError("ROI '\(name)' has no full-occupancy map: give --full \(name)=map.mrc or --reference-map")
            }
            return path
        }
        let all = try MatchedVolumes.load(classPaths + rois.map(\.1) + fullPaths)
        let k = classPaths.count, r = rois.count
        let volumes = Array(all[0..<k]), masks = Array(all[k..<(k + r)]), references = Array(all[(k + r)...])
        for i in 0..<r where RegionOccupancy.mass(of: references[i], in: masks[i]) == 0 {
            throw FormatError(file: fullPaths[i], field: rois[i].0, "full-occupancy mass in ROI is 0")
        }
        var scaleReference: (mask: Volume, map: Volume)?
        if scaleMask != nil || scaleMap != nil {
            guard let scaleMask, let scaleMap else { throw ValidationError("give --scale-mask and --scale-map together") }
            let pair = try MatchedVolumes.load([scaleMask, scaleMap] + [classPaths[0]])
            scaleReference = (pair[0], pair[1])
            print("classes scaled to the mass of \(scaleMap) inside \(scaleMask)")
        }
        func occupancies(of maps: [Volume]) -> [[Double]] {
            let scaled = scaleReference.map { RegionOccupancy.scaled(maps, toMassOf: $0.map, in: $0.mask) } ?? maps
            return RegionOccupancy.occupancies(classes: scaled, masks: masks, full: references)
        }
        let occupancy = occupancies(of: volumes)
        var variation: OccupancyVariationTest?
        let halfPaths = [1, 2].map { half in classPaths.map { $0.replacingOccurrences(of: ".mrc", with: "_half\(half).mrc") } }
        if classes != nil, (halfPaths[0] + halfPaths[1]).allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
            let halves = try [0, 1].map { try MatchedVolumes.load([classPaths[0]] + halfPaths[$0]).dropFirst() }
            variation = OccupancyVariationTest(occupancy: occupancy,
                                               halves: (occupancies(of: Array(halves[0])), occupancies(of: Array(halves[1]))))
        }
        var weights: [Double]?
        if weighted {
            guard let run = classes else { throw ValidationError("--weighted needs --classes RUN") }
            let table = try ClassifiedRows(runOrStar: run)
            weights = (1...k).map { c in Double(table.classNumber.filter { $0 == c }.count) }
        }
        let matrix = CovarianceMatrix(observations: occupancy, weights: weights)
        let names = rois.map(\.0)
        print("ROI occupancy (mass in ROI / full-occupancy mass in ROI):")
        print("class".padding(toLength: 28, withPad: " ", startingAt: 0) + names.map { $0.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined()
              + (weights != nil ? "weight" : ""))
        for (c, path) in classPaths.enumerated() {
            let label = (path as NSString).lastPathComponent.padding(toLength: 28, withPad: " ", startingAt: 0)
            print(label + occupancy[c].map { AnalysisOutput.format($0).padding(toLength: 12, withPad: " ", startingAt: 0) }.joined()
                  + (weights.map { AnalysisOutput.format($0[c], digits: 0) } ?? ""))
        }
        print(weights == nil ? "covariance: equal class weights (population, 1/K)" : "covariance: weighted by class row fractions")
        print("R_ij = C_ij/√(C_ii C_jj):")
        for (i, name) in names.enumerated() {
            print(name.padding(toLength: 12, withPad: " ", startingAt: 0)
                  + matrix.correlation[i].map { AnalysisOutput.format($0, digits: 3).padding(toLength: 12, withPad: " ", startingAt: 0) }.joined())
        }
        let varies = variation?.varies(alpha: noiseAlpha)
        let gated = varies.map { OccupancyVariationTest.gated(matrix.correlation, varies: $0) }
        if let variation, let varies, let gated {
            print("variation across classes vs half-map noise (F test, \(variation.degreesOfFreedom.numerator) and "
                  + "\(variation.degreesOfFreedom.denominator) degrees of freedom, level \(noiseAlpha)):")
            print("ROI".padding(toLength: 12, withPad: " ", startingAt: 0) + "class SD    noise SD    F           p           varies")
            for (i, name) in names.enumerated() {
                let cells = [variation.classVariance[i].squareRoot(), variation.noiseVariance[i].squareRoot(), variation.statistic[i]]
                print(name.padding(toLength: 12, withPad: " ", startingAt: 0)
                      + cells.map { AnalysisOutput.format($0, digits: 4).padding(toLength: 12, withPad: " ", startingAt: 0) }.joined()
                      + String(format: "%-12.3g", variation.pValue[i]) + (varies[i] ? "yes" : "no"))
            }
            print("R, noise-gated (0 between an ROI that does not vary and any other):")
            for (i, name) in names.enumerated() {
                print(name.padding(toLength: 12, withPad: " ", startingAt: 0)
                      + gated[i].map { AnalysisOutput.format($0, digits: 3).padding(toLength: 12, withPad: " ", startingAt: 0) }.joined())
            }
        } else {
            print("no half maps (class_NNN_half1/2.mrc beside the classes of --classes RUN): noise test skipped")
        }
        if let csv {
            var text = "class," + names.joined(separator: ",") + "\n"
            for (c, path) in classPaths.enumerated() { text += path + "," + occupancy[c].map { String($0) }.joined(separator: ",") + "\n" }
            text += "\nR," + names.joined(separator: ",") + "\n"
            for (i, name) in names.enumerated() { text += name + "," + matrix.correlation[i].map { String($0) }.joined(separator: ",") + "\n" }
            if let gated {
                text += "\nR noise-gated," + names.joined(separator: ",") + "\n"
                for (i, name) in names.enumerated() { text += name + "," + gated[i].map { String($0) }.joined(separator: ",") + "\n" }
            }
            try AtomicFileWriter.write(Data(text.utf8), to: csv)
        }
        if let json {
            try AnalysisOutput.writeJSON([
                "rois": names, "classes": classPaths, "occupancy": occupancy,
                "weights": weights.map { $0 as Any } ?? NSNull(),
                "covariance": matrix.covariance.map { $0.map(AnalysisOutput.json) },
                "R": matrix.correlation.map { $0.map(AnalysisOutput.json) },
                "noiseTest": variation.map { test -> Any in [
                    "alpha": noiseAlpha, "noiseVariance": test.noiseVariance, "classVariance": test.classVariance,
                    "F": test.statistic.map(AnalysisOutput.json), "pValue": test.pValue, "varies": varies ?? [],
                    "degreesOfFreedom": [test.degreesOfFreedom.numerator, test.degreesOfFreedom.denominator],
                    "Rgated": (gated ?? []).map { $0.map(AnalysisOutput.json) },
                ] as [String: Any] } ?? NSNull(),
            ] as [String: Any], to: json)
        }
    }

    private func runParticleMode() throws {
        let first = try ClassifiedRows(runOrStar: rows[0])
        let columnLabels: [Int], title: String
        switch (rows.count, truth) {
        case (2, nil):
            columnLabels = try ReplicateAgreement.aligned([first, try ClassifiedRows(runOrStar: rows[1])])[1]
            title = "class in \(rows[1])"
        case (1, let truthPath?):
            guard let property = TruthProperty(rawValue: state.lowercased()),
                  let side = PhysicalSide(rawValue: maskSide.uppercased()) else {
                throw ValidationError("--state must be arm/hand/foot/label and --mask-side A or B")
            }
            columnLabels = try TruthTable(path: truthPath).states(of: first, property: property, maskSide: side, opposite: opposite)
            title = "true \(property.rawValue) (\(opposite ? "opposite side" : "side under mask"))"
        default:
            throw ValidationError("particle mode needs --rows twice, or --rows once with --truth")
        }
        let table = ConfusionTable(rows: first.classNumber, columns: columnLabels)
        let test = IndependenceTest(table)
        let permutationP = IndependenceTest.permutationPValue(rows: first.classNumber, columns: columnLabels,
                                                              permutations: permutations, seed: seed)
        print(table.rendered(rowTitle: "class in \(rows[0])", columnTitle: title))
        print("chi-square \(AnalysisOutput.format(test.statistic))  df \(test.degreesOfFreedom)  p \(String(format: "%.4g", test.pValue))")
        print("permutation p \(String(format: "%.4g", permutationP)) (\(permutations) permutations, seed \(seed))")
        print("Cramér's V \(AnalysisOutput.format(test.cramersV))")
        if let json {
            try AnalysisOutput.writeJSON([
                "rowLabels": table.rowLabels, "columnLabels": table.columnLabels, "counts": table.counts,
                "chiSquare": test.statistic, "degreesOfFreedom": test.degreesOfFreedom, "pValue": test.pValue,
                "permutationPValue": permutationP, "permutations": permutations, "seed": seed,
                "cramersV": AnalysisOutput.json(test.cramersV),
            ] as [String: Any], to: json)
        }
    }

    /// Splits "name=path".
    static func namedPath(_ text: String) throws -> (String, String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
            throw ValidationError("expected name=path, got '\(text)'")
        }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }
}
