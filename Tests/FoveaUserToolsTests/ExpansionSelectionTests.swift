import Foundation
import FoveaAnalysis
import FoveaCore
import FoveaUserTools
import FoveaIO
import Testing
import _FoveaTestSupport

/// `fovea expand`, `select` and `collapse` as library calls.
@Suite struct ExpansionSelectionTests {
    /// Largest matrix difference between the views of two tables, row by row.
    func maxViewDifference(_ a: ParticleTable, _ b: ParticleTable) -> Double {
        zip(a.particles, b.particles).map { RotationMatrix($0.angles).maxAbsDifference(to: RotationMatrix($1.angles)) }.max() ?? 0
    }

    @Test func expansionAppliesEachOperatorOnTheLeft() throws {
        let table = sampleParticles(count: 4)
        let group = try PointGroup(name: "D3")
        let expanded = try SymmetryExpansion.expand(table, group: group)
        #expect(expanded.count == 4 * 6)
        #expect(expanded.extraColumns.suffix(2) == ["rlnFoveaParticleIndex", "rlnFoveaOperatorIndex"])
        for (row, copy) in expanded.particles.enumerated() {
            let p = row / 6, s = row % 6
            #expect(copy.extraValues.suffix(2) == [String(p + 1), String(s + 1)])
            #expect(copy.image == table.particles[p].image && copy.shiftX == table.particles[p].shiftX)
            let expected = group.operators[s] * RotationMatrix(table.particles[p].angles)
            #expect(RotationMatrix(copy.angles).maxAbsDifference(to: expected) < 1e-9)
        }
        #expect(throws: FormatError.self) { try SymmetryExpansion.expand(expanded, group: group) }
    }

    /// RELION's own expansion writes the same views in the same order (copies of a particle together).
    @Test(.enabled(if: relionSymmetryExpandInstalled, "relion_particle_symmetry_expand is not installed"),
          arguments: ["C2", "D2", "C3"])
    func expansionMatchesRelionSymmetryExpand(groupName: String) throws {
        let folder = try makeTestFolder("usertools-relion-expand")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let table = sampleParticles(count: 5)
        try table.writeRelionStar(to: folder + "/in.star")
        let (status, output) = try runProgram("/usr/bin/relion_particle_symmetry_expand",
                                           ["--i", "in.star", "--o", "relion.star", "--sym", groupName], in: folder)
        #expect(status == 0, "\(output)")
        let relion = try ParticleTable(relionStarAt: folder + "/relion.star")
        let ours = try SymmetryExpansion.expand(table, group: try PointGroup(name: groupName))
        #expect(relion.count == ours.count)
        #expect(relion.particles.map(\.image) == ours.particles.map(\.image))
        // RELION prints 6 significant digits: matrices agree to ~1e-5.
        #expect(maxViewDifference(relion, ours) < 1e-4)
    }

    @Test func collapseRecoversInputAnglesAndEachCopysClass() throws {
        let table = sampleParticles(count: 6)
        let group = try PointGroup(name: "C3")
        // class of copy s of particle p: 1 + (p + s) % 2
        let runTable = try makeRunTable(table, group: group, classes: 2) { p, s in (p + s) % 2 == 0 ? [80, 20] : [30, 70] }
        let rows = try RunParticleRows(table: runTable, file: "run.star")
        // With every copy present (operator-1 rows exact) and with the operator undone (no op-1 rows).
        let withoutIdentity = try RunParticleRows(
            table: ParticleTable(particles: runTable.particles.filter { $0.extraValues[runTable.extraColumns.firstIndex(of: "rlnFoveaOperatorIndex")!] != "1" },
                                 extraColumns: runTable.extraColumns), file: "run.star")
        for (input, groupGiven) in [(rows, nil as PointGroup?), (withoutIdentity, group)] {
            let collapsed = try ExpansionCollapse.collapse(input, group: groupGiven)
            #expect(collapsed.count == 6)
            #expect(collapsed.extraColumns.suffix(3) == ["rlnFoveaClassOp1", "rlnFoveaClassOp2", "rlnFoveaClassOp3"])
            #expect(collapsed.extraColumns.filter { $0 == "rlnClassNumber" }.count == 1 && !collapsed.extraColumns.contains("rlnFoveaOccupancy1"))
            for (i, particle) in collapsed.particles.enumerated() {
                let original = table.particles[i].angles
                #expect(abs(particle.angles.phi - original.phi) < 1e-4 && abs(particle.angles.theta - original.theta) < 1e-4
                        && abs(particle.angles.psi - original.psi) < 1e-4)
                #expect(particle.image == table.particles[i].image)
                let expectedClasses = (1...3).map { s in groupGiven != nil && s == 1 ? "0" : String(1 + (i + 1 + s) % 2) }
                #expect(Array(particle.extraValues.suffix(3)) == expectedClasses)
                // Complete combinations (1,2,1) and (2,1,2) are codes 1 and 2; a missing copy is 0.
                let code = collapsed.extraValue("rlnClassNumber", particle: i)
                #expect(code == (groupGiven != nil ? "0" : i % 2 == 0 ? "1" : "2"))
            }
        }
        #expect(throws: FormatError.self) { try ExpansionCollapse.collapse(withoutIdentity, group: nil) }
    }

    /// Seeded random class combinations: codes are 1…(distinct combinations) in lexicographic
    /// order, equal combinations share a code, the legend counts them, missing copies give 0.
    @Test func combinationCodesNumberTheCombinationsPresent() {
        var rng = SeededRandom(seed: 1616)
        for _ in 0..<50 {
            let copies = 1 + Int(rng.uniform() * 5), classes = 1 + Int(rng.uniform() * 4)
            let particles = (0..<(1 + Int(rng.uniform() * 60))).map { _ in
                (0..<copies).map { _ in rng.uniform() < 0.05 ? 0 : 1 + Int(rng.uniform() * Double(classes)) }
            }
            let (codes, legend) = ClassCombination.encode(particles)
            #expect(codes.count == particles.count)
            #expect(legend.entries.map(\.code) == legend.entries.indices.map { $0 + 1 })
            for (a, b) in zip(legend.entries, legend.entries.dropFirst()) { #expect(a.classes.lexicographicallyPrecedes(b.classes)) }
            for (particle, code) in zip(particles, codes) {
                if particle.contains(0) { #expect(code == 0) } else { #expect(legend.entries[code - 1].classes == particle) }
            }
            #expect(legend.entries.map(\.count).reduce(0, +) + legend.incomplete == particles.count)
        }
    }

    @Test func selectByClassOrOccupancyWritesInputOrExpandedViews() throws {
        let table = sampleParticles(count: 8)
        let group = try PointGroup(name: "C2")
        // particle p copy s: class 1 with 90 % when p + s is even, else class 2 with 65 %.
        let runTable = try makeRunTable(table, group: group, classes: 2) { p, s in (p + s) % 2 == 0 ? [90, 10] : [35, 65] }
        let rows = try RunParticleRows(table: runTable, file: "run.star")

        let hard = try ClassSelection.select(rows, rule: ClassSelectionRule(classes: [1]), group: group)
        #expect(hard.selectedRows == 8 && hard.selectedParticles == 8)
        #expect(hard.table.count == 8)
        #expect(!hard.table.extraColumns.contains("rlnFoveaOperatorIndex"))
        #expect(maxViewDifference(hard.table, table) < 1e-9)  // input views, in particle order

        let expanded = try ClassSelection.select(rows, rule: ClassSelectionRule(classes: [1], keepExpanded: true), group: nil)
        #expect(expanded.table.count == 8)
        for particle in expanded.table.particles {
            let p = Int(particle.extraValues[runTable.extraColumns.firstIndex(of: "rlnFoveaParticleIndex")!])!
            let s = Int(particle.extraValues[runTable.extraColumns.firstIndex(of: "rlnFoveaOperatorIndex")!])!
            #expect((p + s) % 2 == 0)
            let expected = group.operators[s - 1] * RotationMatrix(table.particles[p - 1].angles)
            #expect(RotationMatrix(particle.angles).maxAbsDifference(to: expected) < 1e-9)
        }

        let soft = try ClassSelection.select(rows, rule: ClassSelectionRule(classes: [2], minimumOccupancy: 60), group: group)
        #expect(soft.selectedRows == 8)
        let none = try ClassSelection.select(rows, rule: ClassSelectionRule(classes: [2], minimumOccupancy: 70), group: group)
        #expect(none.selectedRows == 0 && none.table.count == 0)
        let both = try ClassSelection.select(rows, rule: ClassSelectionRule(classes: [1, 2], minimumOccupancy: 99.9), group: group)
        #expect(both.selectedRows == 16 && both.selectedParticles == 8)
        #expect(throws: FormatError.self) { try ClassSelection.select(rows, rule: ClassSelectionRule(classes: [3]), group: group) }
    }

    @Test func runColumnsAreCheckedWithFileAndRow() throws {
        var runTable = try makeRunTable(sampleParticles(count: 3), group: try PointGroup(name: "C1"), classes: 2) { _, _ in [60, 40] }
        runTable.particles[1].extraValues[runTable.extraColumns.firstIndex(of: "rlnClassNumber")!] = "x"
        #expect(throws: FormatError(file: "bad.star", location: "particle 2", field: "rlnClassNumber",
                                    "expected a positive integer, found 'x'")) {
            try RunParticleRows(table: runTable, file: "bad.star")
        }
        #expect(throws: FormatError.self) { try RunParticleRows(table: sampleParticles(count: 2), file: "plain.star") }
    }
}
