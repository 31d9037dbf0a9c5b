import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaIO
import FoveaRun

/// The cisTEM STAR and `.par` files a run writes keep what a later run needs: the images'
/// contrast (a RELION run's cisTEM STAR read back by Fovea gives the same maps, not inverted
/// ones) and, with several stacks, which stack each image is in (one `.par` per stack).
@Suite struct CisTEMExportTests {
    @Test func cisTEMStarOfARelionRunReadsBackToTheSameMaps() throws {
        let data = temporaryFolder("cistem-export")
        let star = try writePhantom(to: data, count: 120, snr: 1, seed: 31)
        let first = temporaryFolder("cistem-first") + "/run", second = temporaryFolder("cistem-second") + "/run"
        _ = try runJob(RunRequest(config: try phantomConfig(cycles: 3), inputs: RunInputPaths(particles: star), output: first,
                                  continuing: false, commandLine: []))
        let cistem = RunFolder(first).cisTEMTable(0)
        #expect(RunInputPaths(particles: cistem).resolvedInvertContrast == RunInputPaths(particles: star).resolvedInvertContrast)
        _ = try runJob(RunRequest(config: try phantomConfig(cycles: 3), inputs: RunInputPaths(particles: cistem), output: second,
                                  continuing: false, commandLine: []))
        for k in 0..<2 {
            let a = try MRCReader(path: RunFolder(first).classVolume(k)).volume()
            let b = try MRCReader(path: RunFolder(second).classVolume(k)).volume()
            let r = mapCorrelation(a, b)
            print("class \(k + 1): correlation of the run from the cisTEM STAR with the original run: \(r)")
            #expect(r > 0.99)
        }
    }

    @Test func severalStacksGetOneParEachNamingItsStack() throws {
        let data = temporaryFolder("par-stacks")
        let star = try writePhantom(to: data, count: 40, snr: 1, seed: 5)
        // Odd particles from a second stack (a copy of the first): two stacks, same image indices.
        try FileManager.default.copyItem(atPath: data + "/particles.mrcs", toPath: data + "/second.mrcs")
        var table = try ParticleTable(relionStarAt: star)
        for i in table.particles.indices where i % 2 == 1 { table.particles[i].image.path = "second.mrcs" }
        try table.writeRelionStar(to: data + "/two.star")
        let out = temporaryFolder("par-stacks-run") + "/run"
        _ = try runJob(RunRequest(config: try phantomConfig(cycles: 2), inputs: RunInputPaths(particles: data + "/two.star"),
                                  output: out, continuing: false, commandLine: []))
        let folder = RunFolder(out)
        #expect(!FileManager.default.fileExists(atPath: folder.frealignTable(0)))
        let stacks = [data + "/particles.mrcs", data + "/second.mrcs"].sorted()
        for (j, stack) in stacks.enumerated() {
            let path = folder.frealignTable(0, stack: j)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.hasPrefix("C stack: \(stack)\n"))
            let par = try ParticleTable(frealignParAt: path, stackPath: stack, pixelSize: 4, voltage: 300,
                                        sphericalAberration: 2.7, amplitudeContrast: 0.07)
            let expected = table.particles.indices.filter { ($0 % 2 == 1) == stack.hasSuffix("second.mrcs") }
            #expect(par.count == expected.count)
            #expect(par.particles.map(\.image.index) == expected.map { table.particles[$0].image.index })
        }
    }
}
