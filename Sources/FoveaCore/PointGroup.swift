import RealModule

/// A chiral point group (Cn, Dn, T, O, I) as the ordered list of its rotation operators S_s,
/// in the same axes and the same order as RELION (3.1) builds them, so that
/// `expand(_:)` writes the copies of a particle in the order `relion_particle_symmetry_expand` does.
///
/// Axes (RELION's `SymList::fill_symmetry_class`):
/// * Cn: n-fold along z.  Dn: n-fold along z, two-fold along x.
/// * T: three-fold along z, two-fold along (0, √(2/3), √(1/3)).
/// * O: three-fold along (1, 1, 1)/√3, four-fold along z.
/// * I = I2 (RELION's default icosahedral setting): two-fold along z,
///   five-fold along (1, 0, φ)/√(1 + φ²), three-fold along (0, 1, φ²)/√(1 + φ⁴) … written
///   here from the golden ratio φ, where RELION writes 9 decimals. I1 (two-fold along x, five-fold
///   along (φ, 0, −1)) is also accepted; RELION's I3 and I4 are not (their three-fold axes, given
///   as decimals, do not close the group to 1e−9).
///
/// Order: S_0 = identity; then for each generating axis of fold n, the rotations by
/// 360°·j/n (j = 1 … n − 1) about it; then the group is closed by RELION's rule (pairs (i, j) of the
/// list visited in growing "shells" max(i, j) = 0, 1, 2 …, within a shell (0,k), (1,k) … (k,k),
/// (k,k−1) … (k,0); a product not yet in the list is appended). RELION stores the transposes Sᵀ and
/// multiplies them as Rᵢ·Rⱼ, so the appended operator is S_j·S_i here.
///
/// cisTEM (`src/core/symmetry_matrix.cpp`, checked numerically) has the same Cn, Dn and O sets, but
/// its "I" is RELION's I1 (its "I2" is RELION's I2) and its "T" has the two-folds along x, y, z
/// (its "T2" is RELION's T). Names here follow RELION: convert cisTEM's "I" to "I1".
///
/// Operators act on map coordinates as active rotations: a map V with this symmetry satisfies
/// V(S·r) = V(r). The copy s of a particle with matrix M has matrix S_s·M (docs/algorithm.md §9).
public struct PointGroup: Sendable, Equatable {
    /// The canonical upper-case name (`PointGroupSymbol.name`: "C7", "D5", "T", "O", "I", "I2" …).
    public let name: String
    /// The operators S_0 = I, S_1, … in RELION's order; count = group order.
    public let operators: [RotationMatrix]

    /// Number of operators (n for Cn, 2n for Dn, 12, 24, 60).
    public var order: Int { operators.count }

    /// The group named `name`, parsed by `PointGroupSymbol` (Cn, Dn up to n = 99, T, O, I, I1, I2).
    /// - Throws: `PointGroupError` naming the text when the name is not one of these.
    public init(name: String) throws {
        try self.init(symbol: PointGroupSymbol(parsing: name))
    }

    /// The group of a parsed name.
    public init(symbol: PointGroupSymbol) {
        let golden = (1 + 5.0.squareRoot()) / 2
        let generators: [(fold: Int, axis: SIMD3<Double>)]
        switch symbol.family {
        case .cyclic(let n):
            generators = [(n, SIMD3(0, 0, 1))]
        case .dihedral(let n):
            generators = [(n, SIMD3(0, 0, 1)), (2, SIMD3(1, 0, 0))]
        case .tetrahedral:
            generators = [(3, SIMD3(0, 0, 1)), (2, SIMD3(0, (2.0 / 3).squareRoot(), (1.0 / 3).squareRoot()))]
        case .octahedral:
            generators = [(3, SIMD3(1, 1, 1)), (4, SIMD3(0, 0, 1))]
        case .icosahedral(let setting):
            generators = setting == 1
                ? [(2, SIMD3(1, 0, 0)), (5, SIMD3(golden, 0, -1)), (3, SIMD3(golden * golden, 1, 0))]
                : [(2, SIMD3(0, 0, 1)), (5, SIMD3(1, 0, golden)), (3, SIMD3(0, 1, golden * golden))]
        }
        self.name = symbol.name
        self.operators = PointGroup.closure(of: generators)
    }

    /// The symmetry copies of one orientation: copy s has matrix S_s·M(angles), converted back to
    /// Euler angles (docs/algorithm.md §1.2). Copy 0 is the input orientation itself (returned unchanged).
    public func expand(_ angles: EulerAngles) -> [EulerAngles] {
        let matrix = RotationMatrix(angles)
        return operators.indices.map { s in s == 0 ? angles : (operators[s] * matrix).eulerAngles }
    }

    /// The generator rotations, then RELION's closure (see the type's documentation).
    private static func closure(of generators: [(fold: Int, axis: SIMD3<Double>)]) -> [RotationMatrix] {
        var list: [RotationMatrix] = []
        for (fold, axis) in generators {
            for j in 1..<fold { list.append(RotationMatrix(axis: axis, angleDegrees: 360 * Double(j) / Double(fold))) }
        }
        func contains(_ candidate: RotationMatrix) -> Bool {
            list.contains { $0.maxAbsDifference(to: candidate) < 1e-6 }
        }
        var shell = 0
        while shell < list.count {
            var pairs: [(Int, Int)] = (0...shell).map { ($0, shell) }
            pairs += (0..<shell).reversed().map { (shell, $0) }
            for (i, j) in pairs {
                let product = list[j] * list[i]
                if product.maxAbsDifference(to: .identity) < 1e-6 || contains(product) { continue }
                list.append(product)
            }
            shell += 1
        }
        return [.identity] + list
    }
}
