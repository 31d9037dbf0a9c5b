import Foundation
import Testing
import FoveaCore
import FoveaIO

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

/// The number printed right after `key` in a RELION output line (NaN if absent).
func number(after key: String, in line: Substring) -> Double {
    guard let range = line.range(of: key) else { return .nan }
    let rest = line[range.upperBound...].drop(while: { $0 == " " })
    return Double(rest.prefix(while: { !$0.isWhitespace && $0 != ";" })) ?? .nan
}
