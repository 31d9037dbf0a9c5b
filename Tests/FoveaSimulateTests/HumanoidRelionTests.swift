import Foundation
import FoveaCore
import FoveaSimulate
import Testing

/// Path of RELION's image handler, when installed.
let relionImageHandler = ["/usr/bin/relion_image_handler", "/usr/local/bin/relion_image_handler"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// Reads the voxels of a mode-2 MRC file (skipping any extended header).
func readMode2Voxels(_ path: String) throws -> [Float] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    func word(_ index: Int) -> Int32 {
        data.subdata(in: 4 * index..<4 * index + 4).withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
    }
    let count = Int(word(0)) * Int(word(1)) * Int(word(2))
    let start = 1024 + Int(word(23))
    return data.subdata(in: start..<start + 4 * count).withUnsafeBytes { raw in
        (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
    }
}

@Suite("Humanoid against RELION")
struct HumanoidRelionTests {
    @Test("RELION's C2 symmetrisation of map B7 equals the mean of B7 and B8, and leaves the core unchanged",
          .enabled(if: relionImageHandler != nil, "relion_image_handler is not installed"))
    func relionC2() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("humanoid-relion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = HumanoidMapWriter(folder: folder.path)
        let maps = HumanoidScenario.randomHands.maps
        let b7 = coarseMaps.map(of: maps[6]), b8 = coarseMaps.map(of: maps[7])
        try writer.write(b7, fileName: "b7.mrc")
        try writer.write(coarseMaps[.core], fileName: "core.mrc")
        for name in ["b7", "core"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: relionImageHandler!)
            process.arguments = ["--i", folder.appendingPathComponent("\(name).mrc").path, "--sym", "C2",
                                 "--o", folder.appendingPathComponent("\(name)_c2.mrc").path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let symmetrised = try readMode2Voxels(folder.appendingPathComponent("b7_c2.mrc").path)
        var worst: Float = 0
        for i in symmetrised.indices { worst = max(worst, abs(symmetrised[i] - (b7.voxels[i] + b8.voxels[i]) / 2)) }
        #expect(worst < 1e-5)
        #expect(b7 != b8)
        let core = try readMode2Voxels(folder.appendingPathComponent("core_c2.mrc").path)
        #expect(zip(core, coarseMaps[.core].voxels).allSatisfy { abs($0 - $1) < 1e-5 })
    }
}
