/// The name of a chiral point group, parsed: the one parser of point-group names in Fovea
/// (`fovea expand --group`, `fovea classify --expand`, `select`/`collapse --group`, the run
/// configuration and the engine all go through it). It knows each group's order without building
/// its operators (`PointGroup` builds them).
///
/// Accepted, case-insensitive, surrounding blanks ignored: `Cn` (1 ≤ n ≤ `maximumFold`), `Dn`
/// (2 ≤ n ≤ `maximumFold`), `T`, `O`, `I` (= `I2`, RELION's default setting), `I1`, `I2`.
/// RELION's `I3` and `I4` are refused with their own message (see `PointGroup`).
public struct PointGroupSymbol: Sendable, Equatable, CustomStringConvertible {
    public enum Family: Sendable, Equatable {
        /// Cn: n-fold along z.
        case cyclic(Int)
        /// Dn: n-fold along z, two-fold along x.
        case dihedral(Int)
        case tetrahedral
        case octahedral
        /// Icosahedral in RELION's setting 1 or 2 (`I` = `I2`).
        case icosahedral(setting: Int)
    }

    /// Largest n of Cn and Dn. Building a group closes its operator list by products (cubic in
    /// the order), and a classification keeps one copy of every particle per operator; 99 bounds
    /// both while covering every pseudo-symmetry seen in practice.
    public static let maximumFold = 99

    public let family: Family

    /// The canonical upper-case name ("C7", "D5", "T", "O", "I", "I1", "I2").
    public let name: String

    /// Number of operators: n for Cn, 2n for Dn, 12 for T, 24 for O, 60 for I.
    public var order: Int {
        switch family {
        case .cyclic(let n): return n
        case .dihedral(let n): return 2 * n
        case .tetrahedral: return 12
        case .octahedral: return 24
        case .icosahedral: return 60
        }
    }

    public var description: String { name }

    /// Parses `text`.
    /// - Throws: `PointGroupError` naming the text and saying what is accepted.
    public init(parsing text: String) throws {
        let upper = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()).uppercased()
        guard let first = upper.first else { throw PointGroupError(name: text, reason: "empty name; use C1, Cn, Dn, T, O or I") }
        let rest = String(upper.dropFirst())
        switch first {
        case "C", "D":
            let lowest = first == "C" ? 1 : 2
            guard !rest.isEmpty, rest.allSatisfy({ ("0"..."9").contains($0) }) else {
                throw PointGroupError(name: text, reason: "expected a whole number after \(first), e.g. \(first)2")
            }
            guard let n = Int(rest), (lowest...Self.maximumFold).contains(n) else {
                throw PointGroupError(name: text, reason: "the order n of \(first)n must be \(lowest) … \(Self.maximumFold)")
            }
            family = first == "C" ? .cyclic(n) : .dihedral(n)
            name = "\(first)\(n)"
        case "T" where rest.isEmpty:
            family = .tetrahedral
            name = "T"
        case "O" where rest.isEmpty:
            family = .octahedral
            name = "O"
        case "I":
            switch rest {
            case "": family = .icosahedral(setting: 2); name = "I"
            case "1", "2": family = .icosahedral(setting: rest == "1" ? 1 : 2); name = "I" + rest
            case "3", "4":
                throw PointGroupError(name: text, reason: "icosahedral settings are I (= I2), I1 and I2; RELION's I3 and I4 are not supported")
            default:
                throw PointGroupError(name: text, reason: "icosahedral settings are I (= I2), I1 and I2")
            }
        default:
            throw PointGroupError(name: text, reason: "expected Cn, Dn, T, O, I, I1 or I2")
        }
    }
}

/// A point-group name that `PointGroupSymbol(parsing:)` does not understand.
public struct PointGroupError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The text as given.
    public let name: String
    public let reason: String
    public var description: String { "unknown point group \"\(name)\": \(reason)" }
}
