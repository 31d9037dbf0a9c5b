import Foundation
import Testing
import FoveaClassify
import FoveaIO
import FoveaRun

/// Particles without a half set (no rlnRandomSubset) get one alternately by input order; the
/// run says so and particles.star writes what was used, for every copy of an expanded run.
@Suite struct HalfSetNoticeTests {
    @Test func assignedHalfSetsAreAnnouncedAndWrittenOut() throws {
        let data = temporaryFolder("halves")
        var table = try ParticleTable(relionStarAt: try writePhantom(to: data, count: 30, snr: 1, seed: 3, c2: true))
        // Some rows keep the table's half set (reversed from the alternating rule), the others lose it.
        for i in table.particles.indices { table.particles[i].halfSet = i < 6 ? 2 - i % 2 : 0 }
        try table.writeRelionStar(to: data + "/partial.star")
        let out = temporaryFolder("halves-run") + "/run"
        let (_, lines) = try runJob(RunRequest(config: try phantomConfig(cycles: 1, expand: "C2"),
                                               inputs: RunInputPaths(particles: data + "/partial.star"),
                                               output: out, continuing: false, commandLine: []))
        #expect(lines.contains { $0.contains("24 of 30 particles have no half set (rlnRandomSubset)") }, "\(lines)")
        let written = try ParticleTable(relionStarAt: RunFolder(out).particles)
        #expect(written.count == 60)
        for (row, particle) in written.particles.enumerated() {
            let p = row / 2
            #expect(particle.halfSet == (p < 6 ? 2 - p % 2 : 1 + p % 2))
        }
    }
}
