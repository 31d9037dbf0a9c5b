import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaIO
import FoveaRun

/// RELION accepts Fovea's particles.star: `relion_reconstruct --ctf --class k` on it gives a map
/// that correlates ≥ 0.95 with Fovea's own hard-assignment reconstruction of class k (made here
/// from the same STAR with FoveaCore's reconstructor: images centred by their shifts, CTF-weighted
/// insertion, a Wiener constant of 0.01 because relion_reconstruct without --fsc regularises next
/// to nothing), compared inside the particle radius below 12 Å. (With Fovea's constant of 1 the
/// lowest shells, where Σ CTF² is about 1, are damped and the correlation drops to ≈ 0.9.)
@Suite struct RelionReadsOutputTests {
    static var relionReconstruct: String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(folder)/relion_reconstruct"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Fovea's reconstruction of the rows of class `k` (1-based) of a RELION STAR.
    static func hardReconstruction(of table: ParticleTable, classColumn: Int, k: Int, wiener: Double = 1) throws -> Volume {
        let members = table.particles.filter { $0.extraValues[classColumn] == String(k) }
        let n = members[0].imageSize, p = members[0].pixelSize
        var accumulator = ReconstructionAccumulator(size: n, padding: 2)
        let images = try MRCReader.readImages(at: members.map(\.image))
        for (record, var image) in zip(members, images) {
            // RELION's particles have white protein; Fovea's CTF convention wants black.
            for i in image.pixels.indices { image.pixels[i] = -image.pixels[i] }
            var spectrum = image.fourierTransform()
            spectrum.applyPhaseShift(x: -record.shiftX / p, y: -record.shiftY / p)
            let ctf = CTFParameters(defocusU: record.defocusU, defocusV: record.defocusV, astigmatismAngle: record.astigmatismAngle,
                                    voltage: record.voltage, sphericalAberration: record.sphericalAberration,
                                    amplitudeContrast: record.amplitudeContrast)
            accumulator.insert(spectrum, ctf: ctf.halfPlaneGrid(size: n, pixelSize: p), rotation: RotationMatrix(record.angles),
                               weight: 1)
        }
        return accumulator.finalised(regularisation: .constant(wiener), pixelSize: p)
    }

    /// Pearson correlation inside radius `radius` (pixels) after a low-pass at `resolution` Å.
    static func correlation(_ a: Volume, _ b: Volume, radius: Double, resolution: Double) -> Double {
        let p = a.pixelSize
        func low(_ v: Volume) -> Volume {
            v.filtered { FourierFilter.cosineLowPass(frequency: $0, radius: p / resolution, edgeWidth: p / 40) }
        }
        let (x, y) = (low(a), low(b))
        let n = a.size, c = Double(n / 2)
        var pairs: [(Double, Double)] = []
        for z in 0..<n { for j in 0..<n { for i in 0..<n {
            let d = (Double(i) - c) * (Double(i) - c) + (Double(j) - c) * (Double(j) - c) + (Double(z) - c) * (Double(z) - c)
            if d <= radius * radius { pairs.append((Double(x[i, j, z]), Double(y[i, j, z]))) }
        } } }
        let mx = pairs.map(\.0).reduce(0, +) / Double(pairs.count), my = pairs.map(\.1).reduce(0, +) / Double(pairs.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (u, v) in pairs { sxy += (u - mx) * (v - my); sxx += (u - mx) * (u - mx); syy += (v - my) * (v - my) }
        return sxy / (sxx * syy).squareRoot()
    }

    @Test(.enabled(if: relionReconstruct != nil, "relion_reconstruct is not on PATH"))
    func relionReconstructsEachClassFromTheStar() throws {
        let data = temporaryFolder("relion"), out = temporaryFolder("relion-run") + "/run"
        let star = try writePhantom(to: data, count: 400, snr: 1, seed: 8)
        _ = try runJob(RunRequest(config: try phantomConfig(cycles: 4), inputs: RunInputPaths(particles: star), output: out,
                                  continuing: false, commandLine: []))
        let particles = RunFolder(out).particles
        let table = try ParticleTable(relionStarAt: particles)
        let classColumn = try #require(table.extraColumns.firstIndex(of: "rlnClassNumber"))
        for k in 1...2 {
            let output = out + "/relion_class\(k).mrc"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.relionReconstruct!)
            process.arguments = ["--i", particles, "--o", output, "--ctf", "--class", String(k)]
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let relion = try MRCReader(path: output).volume()
            let fovea = try Self.hardReconstruction(of: table, classColumn: classColumn, k: k, wiener: 0.01)
            let r = Self.correlation(relion, fovea, radius: 22, resolution: 12)
            print("class \(k): correlation of relion_reconstruct --class \(k) with Fovea's hard reconstruction: \(r)")
            #expect(r >= 0.95)
        }
    }
}
