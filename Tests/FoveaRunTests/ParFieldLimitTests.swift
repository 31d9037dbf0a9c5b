import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaIO
import FoveaRun

/// Values that the run's `.par` outputs cannot hold are refused before cycle 1 (naming the row);
/// angles of any size are written reduced, so a finished run's outputs are always writable.
@Suite(.serialized) struct ParFieldLimitTests {
    /// The phantom's table with `edit` applied to particle `row` (0-based), written back.
    func phantom(_ name: String, row: Int, _ edit: (inout ParticleRecord) -> Void) throws -> String {
        let data = temporaryFolder(name)
        let star = try writePhantom(to: data, count: 60, snr: 1, seed: 3)
        var table = try ParticleTable(relionStarAt: star)
        edit(&table.particles[row])
        try table.writeRelionStar(to: star)
        return star
    }

    @Test func hugeAnglesFinishAndTheParHoldsTheSameRotationReduced() throws {
        var generator = SeededRandom(seed: 11)
        let angles = (0..<3).map { _ in Double(generator.next() % 4_000_000) - 2e6 + 0.37 }
        let star = try phantom("angles", row: 7) { $0.angles = EulerAngles(phi: 1e6, theta: angles[1], psi: angles[2]) }
        let out = temporaryFolder("angles-run") + "/run"
        let request = RunRequest(config: try phantomConfig(cycles: 2), inputs: RunInputPaths(particles: star),
                                 output: out, continuing: false, commandLine: ["test"])
        let (outcome, _) = try runJob(request)
        #expect(outcome == .finished(.cycleLimit))
        let par = try ParticleTable(frealignParAt: RunFolder(out).frealignTable(0), stackPath: "x.mrcs", pixelSize: 4,
                                   voltage: 300, sphericalAberration: 2.7, amplitudeContrast: 0.07)
        let written = par.particles[7].angles
        let input = RotationMatrix(EulerAngles(phi: 1e6, theta: angles[1], psi: angles[2]))
        let back = RotationMatrix(written)
        for (a, b) in zip(input.m, back.m) { #expect(Swift.abs(a - b) < 1e-3) }
        for value in [written.phi, written.theta, written.psi] { #expect(value > -180 && value <= 180) }
    }

    @Test func valuesTheParCannotHoldAreRefusedBeforeCycleOneNamingTheRow() throws {
        let cases: [(String, (inout ParticleRecord) -> Void, String)] = [
            ("shift", { $0.shiftX = 1e6 }, "shift x (Å) 1000000.0 is beyond"),
            ("shifty", { $0.shiftY = -2e5 }, "shift y (Å)"),
            // A defocus the .par cannot hold is beyond the physical range: the reader refuses it
            // first, naming the file's line and column instead of the particle.
            ("defocus", { $0.defocusU = 5e7 }, "field rlnDefocusU: defocus 50000000 Å is outside the physical range"),
        ]
        for (name, edit, words) in cases {
            let star = try phantom(name, row: 12, edit)
            let out = temporaryFolder(name + "-run") + "/run"
            let request = RunRequest(config: try phantomConfig(cycles: 2), inputs: RunInputPaths(particles: star),
                                     output: out, continuing: false, commandLine: ["test"])
            do { _ = try runJob(request); Issue.record("\(name) accepted") } catch {
                let text = "\(error)"
                #expect(text.contains("particle 13: " + words) || text.contains(words) && text.contains("particle 13")
                    || text.contains(words) && text.contains("line 44"), "\(text)")
            }
            #expect(!FileManager.default.fileExists(atPath: out), "nothing written for \(name)")
        }
    }
}
