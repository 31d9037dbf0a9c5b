import Foundation
import FoveaCore
import FoveaIO
import FoveaSimulate
import Testing

/// Collects written maps in memory.
final class MemorySink: HumanoidMapSink, @unchecked Sendable {
    var files: [String: Volume] = [:]
    func write(_ volume: Volume, fileName: String) throws { files[fileName] = volume }
}

@Suite("Humanoid export")
struct HumanoidExportTests {
    @Test("the exporter writes 11 components, the scenario's states and 7 masks with soft versions")
    func exportCounts() throws {
        let grid = HumanoidGrid(size: 32, pixelSize: 13.1)
        for (scenarios, states) in [([HumanoidScenario.armsMove], 4), ([.randomHands], 16), ([.handsWithFeet], 16),
                                    (HumanoidScenario.allCases, 28)] {
            let sink = MemorySink()
            let manifest = try HumanoidExport.write(to: sink, grid: grid, scenarios: scenarios)
            let kinds = Dictionary(grouping: manifest.entries, by: \.kind).mapValues(\.count)
            #expect(kinds == ["component": 11, "state": states, "mask": 7, "soft_mask": 7])
            #expect(Set(sink.files.keys) == Set(manifest.entries.map(\.file)))
            #expect(manifest.tsv.split(separator: "\n").count == manifest.entries.count + 1)
            for entry in manifest.entries where entry.kind == "state" {
                let state = try #require(entry.state)
                #expect(sink.files[entry.file] == HumanoidComponentMaps(grid: grid).map(of: state))
            }
        }
    }

    @Test("the map writer's files read back as the same volume and pixel size")
    func mapWriterRoundTrip() throws {
        var volume = Volume(size: 4, pixelSize: 2.5)
        for i in volume.voxels.indices { volume.voxels[i] = Float(i) }
        let folder = testScratchRoot + "mapwriter-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try HumanoidMapWriter(folder: folder).write(volume, fileName: "v.mrc")
        let back = try MRCReader(path: folder + "/v.mrc").volume()
        #expect(back.voxels == volume.voxels)
        #expect(abs(back.pixelSize - 2.5) < 1e-6)
    }
}
