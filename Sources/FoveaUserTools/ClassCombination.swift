import Foundation
import FoveaIO

/// One integer per particle of an expanded run that says which class each of its copies is in,
/// so a single RELION column (`rlnClassNumber`) can select a combination, e.g. with
/// `relion_star_handler --select rlnClassNumber --minval 3 --maxval 3`.
public struct ClassCombinationLegend: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The rlnClassNumber written, ≥ 1.
        public let code: Int
        /// The class of copy s (operator s + 1), 1-based.
        public let classes: [Int]
        /// Particles with this combination.
        public let count: Int
    }

    /// The combinations present, in increasing code (= lexicographic order of the classes).
    public let entries: [Entry]
    /// Particles with a copy the run has no row for: they get code 0.
    public let incomplete: Int

    /// One line per code, e.g. "rlnClassNumber 3: copy 1 in class 2, copy 2 in class 1 (57 particles)".
    public var lines: [String] {
        entries.map { entry in
            "rlnClassNumber \(entry.code): "
                + entry.classes.enumerated().map { "copy \($0 + 1) in class \($1)" }.joined(separator: ", ")
                + " (\(entry.count) particle\(entry.count == 1 ? "" : "s"))"
        } + (incomplete > 0 ? ["rlnClassNumber 0: a copy has no row in the run (\(incomplete) particles)"] : [])
    }

    /// Tab-separated: code, class of copy 1 … n, particles.
    public var tsv: String {
        let width = entries.first?.classes.count ?? 0
        var text = (["rlnClassNumber"] + (0..<width).map { "class_of_copy_\($0 + 1)" } + ["particles"]).joined(separator: "\t") + "\n"
        for entry in entries {
            text += ([String(entry.code)] + entry.classes.map(String.init) + [String(entry.count)]).joined(separator: "\t") + "\n"
        }
        return text
    }
}

public enum ClassCombination {
    /// The code of each particle (1-based rank of its combination among the distinct complete
    /// combinations, sorted lexicographically; 0 when a copy's class is 0, i.e. missing) and the
    /// legend. Codes are contiguous and never overflow, whatever the group's order.
    public static func encode(_ classesPerParticle: [[Int]]) -> (codes: [Int], legend: ClassCombinationLegend) {
        let complete = classesPerParticle.filter { !$0.contains(0) }
        let distinct = Set(complete).sorted { $0.lexicographicallyPrecedes($1) }
        let codeOf = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0 + 1) })
        let codes = classesPerParticle.map { codeOf[$0] ?? 0 }
        let counts = Dictionary(grouping: codes, by: { $0 }).mapValues(\.count)
        let entries = distinct.enumerated().map { ClassCombinationLegend.Entry(code: $0 + 1, classes: $1, count: counts[$0 + 1] ?? 0) }
        return (codes, ClassCombinationLegend(entries: entries, incomplete: counts[0] ?? 0))
    }

    /// Where `fovea collapse` writes the legend of `starPath`: `x.star` → `x_legend.tsv`.
    public static func legendPath(forStar starPath: String) -> String {
        (starPath.hasSuffix(".star") ? String(starPath.dropLast(5)) : starPath) + "_legend.tsv"
    }
}
