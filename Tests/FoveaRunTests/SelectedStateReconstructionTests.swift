import Foundation
import Testing
import FoveaAnalysis
import FoveaClassify
import FoveaCore
import FoveaUserTools
import FoveaIO
import FoveaRun
import FoveaSimulate

/// `fovea select`'s default for an expanded run (each kept copy with its own view) is what
/// reconstructs a state: on the C2 two-region phantom classified under C2 expansion with the focus
/// on side A, `relion_reconstruct` of each class's selection puts that class's state of the small
/// region under the focus sphere (it correlates there better with the true state than with the
/// other state), for both classes.
@Suite struct SelectedStateReconstructionTests {
    /// Pearson correlation of `a` and `b` within `radius` Å of `centre` (Å from the map centre).
    static func correlation(_ a: Volume, _ b: Volume, centre: SIMD3<Double>, radius: Double) -> Double {
        let n = a.size, p = a.pixelSize
        var sxy = 0.0, sxx = 0.0, syy = 0.0, sx = 0.0, sy = 0.0, count = 0.0
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let r = SIMD3(Double(x - n / 2), Double(y - n / 2), Double(z - n / 2)) * p - centre
            guard (r * r).sum() <= radius * radius else { continue }
            let u = Double(a[x, y, z]), v = Double(b[x, y, z])
            sx += u; sy += v; sxy += u * v; sxx += u * u; syy += v * v; count += 1
        } } }
        let cov = sxy - sx * sy / count
        return cov / ((sxx - sx * sx / count) * (syy - sy * sy / count)).squareRoot()
    }

    @Test(.enabled(if: RelionReadsOutputTests.relionReconstruct != nil, "relion_reconstruct is not on PATH"))
    func defaultSelectionReconstructsTheSelectedState() throws {
        let data = temporaryFolder("select-state"), out = temporaryFolder("select-state-run") + "/run"
        let phantom = TwoRegionPhantom.make(count: 400, snr: 1, seed: 21, symmetricHalves: true)
        try phantom.write(to: data, symmetricHalves: true)
        _ = try runJob(RunRequest(config: try phantomConfig(cycles: 5, expand: "C2"), inputs: RunInputPaths(particles: data + "/particles.star"),
                                  output: out, continuing: false, commandLine: []))
        let rows = try RunParticleRows(runOrStar: out)
        for k in 1...2 {
            let result = try ClassSelection.select(rows, rule: ClassSelectionRule(classes: [k], keepExpanded: true), group: nil)
            let selection = out + "/select_class\(k).star"
            try result.table.writeRelionStar(to: selection)
            // The true state of side A's small region for each kept copy: copy 1 shows side A, copy 2 side B.
            let kept = rows.table.particles.indices.filter { rows.classNumber[$0] == k }
            let states = kept.map { phantom.truth[rows.particleIndex[$0] - 1][rows.operatorIndex[$0] - 1] }
            let majority = states.filter { $0 == 1 }.count * 2 > states.count ? 1 : 0
            let output = out + "/select_class\(k).mrc"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: RelionReadsOutputTests.relionReconstruct!)
            process.arguments = ["--i", selection, "--o", output, "--ctf"]
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let map = try MRCReader(path: output).volume()
            let region = TwoRegionPhantom.focusCentre
            let same = Self.correlation(map, TwoRegionPhantom.map(small: majority, large: 0, smallB: 0), centre: region, radius: 24)
            let other = Self.correlation(map, TwoRegionPhantom.map(small: 1 - majority, large: 0, smallB: 0), centre: region, radius: 24)
            let purity = Double(states.filter { $0 == majority }.count) / Double(states.count)
            print("class \(k): \(kept.count) copies, \(Int(purity * 100)) % in state \(majority); correlation under the focus "
                  + "sphere with the true state \(same), with the other \(other)")
            #expect(same > other + 0.1)
        }

        // collapse: RELION's own star handler selects each combination by its rlnClassNumber code.
        let (collapsed, legend) = try ExpansionCollapse.collapseWithLegend(rows, group: nil)
        let collapsedPath = out + "/collapsed.star"
        try collapsed.writeRelionStar(to: collapsedPath)
        #expect(legend.entries.count >= 3 && legend.incomplete == 0)
        let handler = URL(fileURLWithPath: RelionReadsOutputTests.relionReconstruct!).deletingLastPathComponent()
            .appendingPathComponent("relion_star_handler")
        for entry in legend.entries {
            let selected = out + "/combination\(entry.code).star"
            let process = Process()
            process.executableURL = handler
            process.arguments = ["--i", collapsedPath, "--o", selected, "--select", "rlnClassNumber",
                                 "--minval", String(entry.code), "--maxval", String(entry.code)]
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let picked = try ParticleTable(relionStarAt: selected)
            #expect(picked.count == entry.count)
            let columns = ["rlnFoveaClassOp1", "rlnFoveaClassOp2"]
            #expect(picked.particles.indices.allSatisfy { i in columns.map { picked.extraValue($0, particle: i) ?? "" } == entry.classes.map(String.init) })
        }
    }
}
