import Foundation
import Testing
import FoveaCore
import FoveaIO
import _FoveaTestSupport

/// Files Fovea writes, read back by RELION's own programs (skipped where RELION is not installed).
@Suite(.enabled(if: relionInstalled, "RELION (Debian package relion) is not installed"))
struct RelionToolsReadBackTests {
    @Test func relionImageHandlerStatsMatchOurStack() throws {
        let folder = try makeTemporaryFolder("relion-stats")
        defer { removeFolder(folder) }
        let images = (0..<3).map { k in
            Image2D(size: 6, pixelSize: 1.25, pixels: (0..<36).map { Float(sin(Double($0 * (k + 2)))) * Float(k + 1) })
        }
        try MRCWriter.write(stack: images, to: folder + "/ours.mrcs")
        let (status, output) = try runProgram("/usr/bin/relion_image_handler", ["--i", "ours.mrcs", "--stats"], in: folder)
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n").filter { $0.contains("@ours.mrcs") }
        #expect(lines.count == 3, "\(output)")
        for (k, line) in lines.enumerated() {
            let values = images[k].pixels.map(Double.init)
            let mean = values.reduce(0, +) / Double(values.count)
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            #expect(line.hasPrefix(String(format: "%06d@ours.mrcs", k + 1)))
            #expect(line.contains("(x,y,z,n)= 6 x 6 x 1 x 1"))
            #expect(abs(number(after: "avg=", in: line) - mean) < 1e-4)
            #expect(abs(number(after: "stddev=", in: line) - sd) < 1e-4)
            #expect(abs(number(after: "maxval=", in: line) - values.max()!) < 1e-4)
            #expect(number(after: "angpix =", in: line) == 1.25)
        }
    }
}

extension RelionToolsReadBackTests {
    @Test func relionImageHandlerStatsMatchOurVolume() throws {
        let folder = try makeTemporaryFolder("relion-vol")
        defer { removeFolder(folder) }
        var volume = Volume(size: 10, pixelSize: 3.5)
        for i in volume.voxels.indices { volume.voxels[i] = Float(cos(Double(i) * 0.37)) + 0.25 }
        try MRCWriter.write(volume, to: folder + "/v.mrc")
        let (status, output) = try runProgram("/usr/bin/relion_image_handler", ["--i", "v.mrc", "--stats"], in: folder)
        #expect(status == 0, "\(output)")
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("v.mrc") })
        let v = volume.voxels.map(Double.init)
        let mean = v.reduce(0, +) / Double(v.count)
        let sd = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot()
        #expect(line.contains("(x,y,z,n)= 10 x 10 x 10 x 1"), "\(line)")
        #expect(abs(number(after: "avg=", in: line) - mean) < 1e-5 && abs(number(after: "stddev=", in: line) - sd) < 1e-5)
        #expect(number(after: "angpix =", in: line) == 3.5)
    }

    @Test(arguments: [RelionStarVersion.relion31, .relion30])
    func relionStarHandlerReadsOurStarFiles(version: RelionStarVersion) throws {
        let folder = try makeTemporaryFolder("relion-star")
        defer { removeFolder(folder) }
        var table = try ParticleTable(relionStarAt: try fixturePath("relion/relion30_particles.star"))
        table.particles[2].shiftX = 1.234567
        table.particles[1].defocusU = 12345.678901
        // RELION needs the images to exist (it reads the box size from them for 3.0 input).
        let images = try MRCReader(path: try fixturePath("relion/proj.mrcs")).allImages()
        try MRCWriter.write(stack: images, to: folder + "/proj.mrcs")
        try table.writeRelionStar(to: folder + "/ours.star", version: version)
        let (status, output) = try runProgram("/usr/bin/relion_star_handler",
                                              ["--i", "ours.star", "--o", "copy.star"], in: folder)
        #expect(status == 0, "\(output)")
        let copy = try ParticleTable(relionStarAt: folder + "/copy.star")
        #expect(copy.count == table.count)
        for (a, b) in zip(copy.particles, table.particles) {
            #expect(a.image == b.image && a.halfSet == b.halfSet && a.opticsGroup == b.opticsGroup)
            let pairs: [(Double, Double)] = [
                (a.angles.phi, b.angles.phi), (a.angles.theta, b.angles.theta), (a.angles.psi, b.angles.psi),
                (a.shiftX, b.shiftX), (a.shiftY, b.shiftY), (a.defocusU, b.defocusU), (a.defocusV, b.defocusV),
                (a.astigmatismAngle, b.astigmatismAngle), (a.phaseShift, b.phaseShift), (a.voltage, b.voltage),
                (a.sphericalAberration, b.sphericalAberration), (a.amplitudeContrast, b.amplitudeContrast),
                (a.pixelSize, b.pixelSize),
            ]
            // RELION prints 6 decimals, fewer for negative numbers (-1.23457): 1e-5 covers both.
            for (x, y) in pairs { #expect(abs(x - y) <= 1e-5 * max(1, abs(y)), "\(x) vs \(y)") }
        }
        #expect(copy.extraValue("rlnMicrographName", particle: 0) == "mic one.mrc")
    }
}

/// The number printed right after `key` in a RELION output line (NaN if absent).
func number(after key: String, in line: Substring) -> Double {
    guard let range = line.range(of: key) else { return .nan }
    let rest = line[range.upperBound...].drop(while: { $0 == " " })
    return Double(rest.prefix(while: { !$0.isWhitespace && $0 != ";" })) ?? .nan
}
