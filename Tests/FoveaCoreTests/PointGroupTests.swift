import Foundation
import FoveaCore
import Testing

@Suite struct PointGroupTests {
    static let groupOrders: [(String, Int)] = [
        ("C1", 1), ("C2", 2), ("C7", 7), ("D2", 4), ("D5", 10), ("T", 12), ("O", 24), ("I", 60),
        ("I1", 60), ("I2", 60),
    ]

    @Test(arguments: groupOrders)
    func groupIsClosedAndHasTheRightOrder(name: String, order: Int) throws {
        let group = try PointGroup(name: name)
        #expect(group.order == order)
        #expect(group.operators[0].maxAbsDifference(to: .identity) < 1e-12)
        func index(of matrix: RotationMatrix) -> [Int] {
            group.operators.indices.filter { group.operators[$0].maxAbsDifference(to: matrix) < 1e-9 }
        }
        for a in group.operators {
            #expect(abs(a.determinant - 1) < 1e-12)
            #expect((a * a.transposed).maxAbsDifference(to: .identity) < 1e-12)
            #expect(index(of: a).count == 1)  // no duplicates
            for b in group.operators { #expect(index(of: a * b).count == 1) }  // closed
        }
    }

    @Test func namesAreParsedAndBadNamesRejected() throws {
        #expect(try PointGroup(name: " c7 ").name == "C7")
        #expect(try PointGroup(name: "d12").order == 24)
        #expect(try PointGroup(name: "C12").order == 12)
        for bad in ["", "X3", "C", "D1", "Cx", "T2", "I3", "I5", "C7a", "O1"] {
            #expect(throws: PointGroupError.self) { _ = try PointGroup(name: bad) }
        }
    }

    @Test func cyclicExpansionAddsToPhi() throws {
        // Reference §9: for Cn, copy s has φ + 360°·s/n with θ and ψ unchanged.
        let copies = try PointGroup(name: "C4").expand(EulerAngles(phi: 10, theta: 50, psi: -30))
        for (s, copy) in copies.enumerated() {
            let expected = EulerAngles(phi: 10 + 90 * Double(s), theta: 50, psi: -30)
            #expect(RotationMatrix(copy).maxAbsDifference(to: RotationMatrix(expected)) < 1e-12)
        }
    }

    /// Orientations written to the test STAR file: a general one, the identity (whose copies are the
    /// operators themselves, so it also checks the operator order), θ = 0 and θ = 180°.
    static let particles: [EulerAngles] = [
        EulerAngles(phi: 30, theta: 40, psi: 50), EulerAngles(phi: 0, theta: 0, psi: 0),
        EulerAngles(phi: -120, theta: 170, psi: 10), EulerAngles(phi: 25, theta: 0, psi: 65),
        EulerAngles(phi: 70, theta: 180, psi: -20), EulerAngles(phi: 177.5, theta: 93.25, psi: -161.125),
    ]

    @Test(arguments: ["C2", "C7", "D2", "D5", "T", "O", "I", "I1", "I2"])
    func expansionMatchesRelion(name: String) throws {
        let folder = try GeometryRelion.temporaryFolder("symexp-\(name)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var star = "\ndata_\n\nloop_\n_rlnImageName #1\n_rlnAngleRot #2\n_rlnAngleTilt #3\n_rlnAnglePsi #4\n"
            + "_rlnOriginX #5\n_rlnOriginY #6\n"
        for (i, p) in Self.particles.enumerated() { star += "\(i + 1)@p.mrcs \(p.phi) \(p.theta) \(p.psi) 0 0\n" }
        try star.write(to: folder.appendingPathComponent("in.star"), atomically: true, encoding: .utf8)
        try GeometryRelion.run("relion_particle_symmetry_expand",
                               ["--i", "in.star", "--o", "out.star", "--sym", name, "--ignore_optics"], in: folder)
        let rows = try GeometryRelion.readLoop(folder.appendingPathComponent("out.star"))
        let group = try PointGroup(name: name)
        #expect(rows.count == Self.particles.count * group.order)

        for (i, particle) in Self.particles.enumerated() {
            let relion = rows.filter { $0["rlnImageName"] == "\(i + 1)@p.mrcs" }.map { row in
                RotationMatrix(EulerAngles(phi: Double(row["rlnAngleRot"]!)!, theta: Double(row["rlnAngleTilt"]!)!,
                                           psi: Double(row["rlnAnglePsi"]!)!))
            }
            let ours = group.expand(particle).map { RotationMatrix($0) }
            #expect(relion.count == ours.count)
            // Same sets: every RELION copy matches exactly one of ours and vice versa.
            for r in relion { #expect(ours.filter { $0.maxAbsDifference(to: r) < 1e-4 }.count == 1) }
            for o in ours { #expect(relion.filter { $0.maxAbsDifference(to: o) < 1e-4 }.count == 1) }
            // Same order, too.
            for (r, o) in zip(relion, ours) { #expect(r.maxAbsDifference(to: o) < 1e-4, "\(name) particle \(i + 1)") }
        }
    }
}
