import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaIO
import FoveaRun

/// What a run exports carries the run's own per-class values, and its text holds no binary noise.
@Suite struct RunExportValuesTests {
    /// Every class's `.par` and cisTEM STAR hold each row's occupancy and LogP of the last cycle
    /// (run.h5's), not defaults: occupancies differ between the classes and sum to 100 % per row.
    @Test(arguments: [(seed: UInt64(11), expand: "C1"), (seed: 12, expand: "C2")])
    func parAndCisTEMCarryTheRunsOccupancyAndLogP(seed: UInt64, expand: String) throws {
        let data = temporaryFolder("export-values")
        let star = try writePhantom(to: data, count: 60, snr: 0.5, seed: seed, c2: expand == "C2")
        let out = temporaryFolder("export-values-run") + "/run"
        _ = try runJob(RunRequest(config: try phantomConfig(cycles: 2, expand: expand), inputs: RunInputPaths(particles: star),
                                  output: out, continuing: false, commandLine: []))
        let folder = RunFolder(out)
        let state = try RunState.read(from: folder.state)
        let ops = state.config.operatorCount, rows = state.particleCount * ops
        var occupancies: [[Double]] = [], logPs: [[Double]] = []
        for k in 0..<2 {
            let cistem = try ParticleTable(cisTEMStarAt: folder.cisTEMTable(k), stackPath: data + "/particles.mrcs")
            let par = try ParticleTable(frealignParAt: folder.frealignTable(k), stackPath: data + "/particles.mrcs", pixelSize: 4,
                                        voltage: 300, sphericalAberration: 2.7, amplitudeContrast: 0.07)
            #expect(cistem.count == rows && par.count == rows)
            for row in 0..<rows {
                let occupancy = Double(state.classification.occupancy[row, k]), logP = Double(state.classification.logP[row, k])
                let c = cistem.particles[row].classValues[0], p = par.particles[row].classValues[0]
                #expect(abs(c.occupancy - occupancy) <= 1e-4 * max(1, occupancy), "class \(k + 1) row \(row)")
                #expect(abs(c.logP - logP) <= 1e-4 * max(1, abs(logP)), "class \(k + 1) row \(row)")
                #expect(abs(p.occupancy - occupancy) <= 0.005 + 1e-9 && abs(p.logP - logP.rounded()) <= 0.5)
                #expect(c.sigma == 1 && p.sigma == 1)
            }
            occupancies.append(cistem.particles.map { $0.classValues[0].occupancy })
            logPs.append(cistem.particles.map { $0.classValues[0].logP })
        }
        #expect(occupancies[0] != occupancies[1] && logPs[0] != logPs[1])
        #expect(!occupancies[0].allSatisfy { $0 == 100 })
        for row in 0..<rows { #expect(abs(occupancies[0][row] + occupancies[1][row] - 100) < 0.01) }
    }

    /// Significant digits of every number in `text` (a run of digits with an optional point and
    /// exponent; integers such as image indices count too, and stay short).
    static func longestNumber(in text: String) -> (digits: Int, number: String) {
        var longest = (0, "")
        let pattern = try! NSRegularExpression(pattern: "[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let number = String(text[Range(match.range, in: text)!])
            let mantissa = number.lowercased().split(separator: "e").first.map(String.init) ?? number
            let significant = String(mantissa.filter(\.isNumber).drop { $0 == "0" })
            let digits = mantissa.contains(".") ? significant.count : String(significant.reversed()).drop { $0 == "0" }.count
            if digits > longest.0 { longest = (digits, number) }
        }
        return longest
    }

    /// A run of C2-expanded particles with shifts and angles that carry binary noise: no text file
    /// of the run folder and no printed line holds a number of 15 or more significant digits.
    @Test func noOutputOfARunHoldsBinaryNoise() throws {
        let data = temporaryFolder("no-noise")
        let star = try writePhantom(to: data, count: 40, snr: 1, seed: 21, c2: true)
        var table = try ParticleTable(relionStarAt: star)
        for i in table.particles.indices {
            table.particles[i].shiftX = (table.particles[i].shiftX + 0.1) * 3 / 3 + 0.2  // e.g. 1.0300000000000002
            table.particles[i].angles.phi += 0.1 + 0.2
        }
        try table.writeRelionStar(to: data + "/noisy.star")
        let out = temporaryFolder("no-noise-run") + "/run"
        let (_, lines) = try runJob(RunRequest(config: try phantomConfig(cycles: 2, expand: "C2"),
                                               inputs: RunInputPaths(particles: data + "/noisy.star"), output: out,
                                               continuing: false, commandLine: ["fovea", "classify"]))
        let printed = Self.longestNumber(in: lines.joined(separator: "\n"))
        #expect(printed.digits < 15, "printed: \(printed.number)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
            .filter { [".star", ".par", ".json", ".jsonl"].contains(where: $0.hasSuffix) }
        #expect(names.count == 7)   // particles.star, 2 cisTEM STAR, 2 .par, run.json, progress.jsonl
        for name in names {
            let longest = Self.longestNumber(in: try String(contentsOfFile: out + "/" + name, encoding: .utf8))
            #expect(longest.digits < 15, "\(name): \(longest.number)")
        }
    }
}
