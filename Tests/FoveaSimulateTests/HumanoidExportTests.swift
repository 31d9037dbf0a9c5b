import Foundation
import FoveaCore
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

    @Test("the MRC encoding has the MRC 2014 header fields and the voxels in x-fastest order")
    func mrcEncoding() {
        var volume = Volume(size: 4, pixelSize: 2.5)
        for i in volume.voxels.indices { volume.voxels[i] = Float(i) }
        let data = HumanoidMapWriter.encode(volume)
        #expect(data.count == 1024 + 4 * 64)
        func int(_ word: Int) -> Int32 {
            data.subdata(in: 4 * word..<4 * word + 4).withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
        }
        func float(_ word: Int) -> Float {
            Float(bitPattern: UInt32(bitPattern: int(word)))
        }
        #expect([int(0), int(1), int(2), int(3), int(7), int(8), int(9)] == [4, 4, 4, 2, 4, 4, 4])
        #expect(float(10) == 10 && float(13) == 90 && [int(16), int(17), int(18)] == [1, 2, 3])
        #expect(float(19) == 0 && float(20) == 63 && float(21) == 31.5)
        #expect(String(decoding: data.subdata(in: 208..<212), as: UTF8.self) == "MAP ")
        #expect(Array(data.subdata(in: 212..<214)) == [0x44, 0x44])
        #expect(float(256 + 5) == 5 && float(256 + 63) == 63)
    }
}
