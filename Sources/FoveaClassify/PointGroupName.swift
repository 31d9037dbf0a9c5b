/// Parses the name of a point group used for pseudo-symmetry expansion (§9) and gives its order.
/// The operators themselves live in FoveaCore; this is only the check of the name that the
/// configuration needs. Accepted: Cn (n ≥ 1), Dn (n ≥ 2), T, O, I, case-insensitive.
public enum PointGroupName {
    /// Number of operators of the group named `name` (C1 → 1, C2 → 2, Dn → 2n, T → 12, O → 24, I → 60).
    public static func operatorCount(of name: String) throws -> Int {
        let upper = name.uppercased()
        switch upper {
        case "T": return 12
        case "O": return 24
        case "I": return 60
        default: break
        }
        guard let letter = upper.first, letter == "C" || letter == "D",
              upper.dropFirst().allSatisfy({ ("0"..."9").contains($0) }),
              let n = Int(upper.dropFirst()) else {
            throw ConfigurationError(option: "expand", "'\(name)' is not a point group (use C1, Cn, Dn, T, O or I)")
        }
        guard n >= (letter == "C" ? 1 : 2), n <= 1000 else {
            throw ConfigurationError(option: "expand", "'\(name)': the order n must be between \(letter == "C" ? 1 : 2) and 1000")
        }
        return letter == "C" ? n : 2 * n
    }
}
