import FoveaCore
import FoveaIO

/// Symmetry expansion of a particle table, as `relion_particle_symmetry_expand` does it and as
/// `fovea classify --expand` uses it virtually: each row × each operator S_s of the group, in
/// `PointGroup.operators` order (s = 1 is the identity), view S_s·M (M = the row's matrix), same
/// image, shifts and CTF. Columns `rlnFoveaParticleIndex` (1-based input row) and
/// `rlnFoveaOperatorIndex` (1-based s) are appended.
///
/// RELION's `relion_particle_symmetry_expand --sym G` writes the same rows: copies of one particle
/// next to each other, the input first, views S·M (its matrix A = Mᵀ becomes A·Sᵀ; for C2,
/// rot + 180°). `SymmetryExpansionTests` checks the views against RELION's output for C2 and D2.
public enum SymmetryExpansion {
    /// The expanded table, particle-major (particle 1 op 1, particle 1 op 2, …).
    /// - Throws: `FormatError` when the input already has an rlnFoveaOperatorIndex column
    ///   (expanding twice), naming `file`.
    public static func expand(_ table: ParticleTable, group: PointGroup, file: String = "") throws -> ParticleTable {
        for name in [FoveaRunColumn.particleIndex, FoveaRunColumn.operatorIndex] where table.extraColumns.contains(name) {
            throw FormatError(file: file, location: "data_particles", field: name,
                              "the table is already expanded (it has \(name)); expand the original STAR instead")
        }
        var expanded = table
        expanded.extraColumns += [FoveaRunColumn.particleIndex, FoveaRunColumn.operatorIndex]
        expanded.particles = []
        expanded.particles.reserveCapacity(table.count * group.order)
        for (i, particle) in table.particles.enumerated() {
            for (s, view) in group.expand(particle.angles).enumerated() {
                var copy = particle
                copy.angles = view
                copy.extraValues += [String(i + 1), String(s + 1)]
                expanded.particles.append(copy)
            }
        }
        return expanded
    }
}
