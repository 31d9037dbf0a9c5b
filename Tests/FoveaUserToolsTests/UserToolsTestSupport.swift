import Foundation
import FoveaCore
import FoveaUserTools
import FoveaIO
import FoveaAnalysis
import _FoveaTestSupport

let relionSymmetryExpandInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/relion_particle_symmetry_expand")
let relionReconstructInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/relion_reconstruct")

/// `count` particles of one stack with generic (non-degenerate) angles, shifts and CTF.
func sampleParticles(count: Int, stack: String = "stack.mrcs", box: Int = 16, pixelSize: Double = 2) -> ParticleTable {
    var random = SeededRandom(seed: 17)
    let particles = (0..<count).map { i in
        ParticleRecord(image: ImageLocation(path: stack, index: i),
                       angles: EulerAngles(phi: random.uniform(in: -170..<170), theta: random.uniform(in: 10..<170),
                                           psi: random.uniform(in: -170..<170)),
                       shiftX: Double(i % 3) - 1, shiftY: 0.5 * Double(i % 2),
                       defocusU: 15000 + 100 * Double(i), defocusV: 14500, astigmatismAngle: 30,
                       voltage: 300, sphericalAberration: 2.7, amplitudeContrast: 0.1,
                       pixelSize: pixelSize, imageSize: box, halfSet: 1 + i % 2)
    }
    return ParticleTable(particles: particles)
}

/// A classification run's rows as the run-folder contract describes them: `table` expanded with
/// `group` (particle-major), plus rlnClassNumber, rlnMaxValueProbDistribution and
/// rlnFoveaOccupancy1…K from `occupancy(particle, operator)` (1-based, K values in percent).
func makeRunTable(_ table: ParticleTable, group: PointGroup, classes k: Int,
                  occupancy: (Int, Int) -> [Double]) throws -> ParticleTable {
    var run = try SymmetryExpansion.expand(table, group: group)
    let particleColumn = run.extraColumns.firstIndex(of: "rlnFoveaParticleIndex")!
    let operatorColumn = run.extraColumns.firstIndex(of: "rlnFoveaOperatorIndex")!
    run.extraColumns += ["rlnClassNumber", "rlnMaxValueProbDistribution"] + (1...k).map { "rlnFoveaOccupancy\($0)" }
    for i in run.particles.indices {
        let p = Int(run.particles[i].extraValues[particleColumn])!, s = Int(run.particles[i].extraValues[operatorColumn])!
        let values = occupancy(p, s)
        let best = values.indices.max { values[$0] < values[$1] }!
        run.particles[i].extraValues += [String(best + 1), "\(values[best] / 100)"] + values.map { "\($0)" }
    }
    return run
}
